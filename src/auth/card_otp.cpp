#include "auth/card_otp.h"

#include <algorithm>
#include <charconv>

#include "auth/constant_time.h"

namespace kakuin::auth {
namespace {

std::size_t cell_count(const CardLayout& l) { return std::size_t(l.columns) * std::size_t(l.rows); }

bool inside(const CardLayout& l, CardPosition p) {
    return p.column >= 0 && p.column < l.columns && p.row >= 0 && p.row < l.rows;
}

}  // namespace

Status validate_card_layout(const CardLayout& l) {
    if (l.columns < 1 || l.columns > 26 || l.rows < 1 || l.rows > 99 || l.digits_per_cell < 1 ||
        l.digits_per_cell > 8 || l.cells_per_challenge < 1 || l.cells_per_challenge > 4 ||
        std::size_t(l.cells_per_challenge) > cell_count(l))
        return make_error(ErrorCode::config_invalid, "contract card layout out of range");
    return {};
}

std::string card_position_label(CardPosition p) {
    return std::string(1, char('A' + p.column)) + std::to_string(p.row + 1);
}

Result<CardPosition> parse_card_position(const CardLayout& layout, std::string_view label) {
    const auto bad = [] { return make_error(ErrorCode::invalid_request, "bad card position"); };
    if (label.size() < 2 || label.size() > 3 || label[0] < 'A' || label[0] > 'Z' || label[1] == '0')
        return bad();
    int row = 0;
    const char* end = label.data() + label.size();
    const auto [ptr, ec] = std::from_chars(label.data() + 1, end, row);
    if (ec != std::errc() || ptr != end) return bad();
    const CardPosition p{label[0] - 'A', row - 1};
    if (!inside(layout, p)) return bad();
    return p;
}

Result<ContractCard> make_contract_card(const CardLayout& layout, std::string codes) {
    if (!validate_card_layout(layout).ok() ||
        codes.size() != cell_count(layout) * std::size_t(layout.digits_per_cell) ||
        !std::all_of(codes.begin(), codes.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return make_error(ErrorCode::internal_error, "stored contract card does not fit its layout");
    return ContractCard{layout, std::move(codes)};
}

ContractCard generate_contract_card(const CardLayout& layout, Random& random) {
    return ContractCard{layout,
                        random_digits(random, cell_count(layout) * std::size_t(layout.digits_per_cell))};
}

std::string_view card_code_at(const ContractCard& card, CardPosition p) {
    const std::size_t n = std::size_t(card.layout.digits_per_cell);
    const std::size_t index = std::size_t(p.row) * std::size_t(card.layout.columns) + std::size_t(p.column);
    return std::string_view(card.codes).substr(index * n, n);
}

std::vector<CardPosition> pick_card_challenge(const CardLayout& layout, Random& random) {
    std::vector<CardPosition> picked;
    while (picked.size() < std::size_t(layout.cells_per_challenge)) {
        const auto cell = random_below(random, cell_count(layout));
        const CardPosition p{int(cell % std::uint64_t(layout.columns)),
                             int(cell / std::uint64_t(layout.columns))};
        if (std::find(picked.begin(), picked.end(), p) == picked.end()) picked.push_back(p);
    }
    return picked;
}

Status verify_card_answer(const ContractCard& card, const std::vector<CardPosition>& challenge,
                          std::string_view answer) {
    if (challenge.empty() || card.codes.size() != cell_count(card.layout) * std::size_t(card.layout.digits_per_cell))
        return make_error(ErrorCode::invalid_request, "no card challenge");
    std::string expected;
    for (const CardPosition& p : challenge) {
        if (!inside(card.layout, p)) return make_error(ErrorCode::invalid_request, "card challenge outside the card");
        expected += card_code_at(card, p);
    }
    if (!constant_time_equal(expected, answer))
        return make_error(ErrorCode::otp_incorrect, "card code does not match");
    return {};
}

}  // namespace kakuin::auth
