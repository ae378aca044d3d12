// The contract card (ご契約者カード, seed 000): a grid of printed random codes. At login the
// server names one or more cells ("B3", "E7") and the person types the codes printed there.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/random.h"
#include "core/result.h"

namespace kakuin::auth {

struct CardLayout {
    int columns = 5;              // labelled A, B, C, ... (at most 26)
    int rows = 7;                 // labelled 1, 2, 3, ... (at most 99)
    int digits_per_cell = 2;      // 1..8
    int cells_per_challenge = 2;  // cells asked for at one login, 1..4 and <= the cell count
};

// config_invalid when a field is outside the ranges above.
Status validate_card_layout(const CardLayout& layout);

struct CardPosition {
    int column = 0;  // 0-based: 0 is "A"
    int row = 0;     // 0-based: 0 is "1"
    friend bool operator==(const CardPosition&, const CardPosition&) = default;
};

// "A1" for {0, 0}, "E7" for {4, 6}. REQUIRES: column < 26.
std::string card_position_label(CardPosition p);
// Inverse of card_position_label, within `layout`; invalid_request otherwise.
Result<CardPosition> parse_card_position(const CardLayout& layout, std::string_view label);

// One printed card. `codes` holds every cell's digits, row by row, columns within a row:
// it is the stored form (a secret, like a TOTP seed).
struct ContractCard {
    CardLayout layout;
    std::string codes;
};

// Rebuilds a card from its stored codes; internal_error if they do not fit the layout.
Result<ContractCard> make_contract_card(const CardLayout& layout, std::string codes);
// A new card with uniformly random digits. REQUIRES: validate_card_layout(layout) is ok.
ContractCard generate_contract_card(const CardLayout& layout, Random& random);

// The digits printed in one cell. REQUIRES: p lies inside card.layout.
std::string_view card_code_at(const ContractCard& card, CardPosition p);

// cells_per_challenge distinct random positions, in the order they are to be typed.
// REQUIRES: validate_card_layout(layout) is ok.
std::vector<CardPosition> pick_card_challenge(const CardLayout& layout, Random& random);

// The answer is the challenged cells' codes concatenated in challenge order, compared in
// constant time. otp_incorrect on any mismatch or malformed answer; invalid_request if
// the challenge is empty or lies outside the card.
Status verify_card_answer(const ContractCard& card, const std::vector<CardPosition>& challenge,
                          std::string_view answer);

}  // namespace kakuin::auth
