// HTTP header fields with case-insensitive names (RFC 9110 §5.1), in arrival order.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kakuin::http {

bool iequals(std::string_view a, std::string_view b);

class Headers {
  public:
    using Field = std::pair<std::string, std::string>;

    // The first field of that name, if any.
    std::optional<std::string_view> get(std::string_view name) const;
    bool contains(std::string_view name) const { return get(name).has_value(); }
    // Appends a field; repeated names are kept (e.g. Set-Cookie).
    void add(std::string name, std::string value);
    // Replaces every field of that name with one.
    void set(std::string name, std::string value);
    void erase(std::string_view name);

    const std::vector<Field>& fields() const { return fields_; }
    bool empty() const { return fields_.empty(); }

  private:
    std::vector<Field> fields_;
};

}  // namespace kakuin::http
