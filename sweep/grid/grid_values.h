// Value-level helpers for grid parsing: trimming, list splitting, key suggestions.
#pragma once

#include <string>
#include <vector>

#include "core/keys.h"

namespace sweep {

// `s` without leading and trailing white space.
std::string trim(const std::string& s);

// Splits "v1, v2, ..." or "[v1, v2, ...]" and returns the canonical values. Throws GridError
// (naming the key, not the line) on an empty list, an empty element, a duplicate value or a
// value canonical_value rejects.
std::vector<std::string> parse_value_list(const KeySpec& spec, const std::string& text);

// The canonical value of a fixed key. Throws GridError on an empty value, on a list (with a
// hint to use [grid]) for a key that may be swept, or on a value canonical_value rejects.
std::string parse_single_value(const KeySpec& spec, const std::string& text);

// "; did you mean 'filters'?" for the closest known key within a small edit distance, or "".
std::string closest_key_hint(const std::string& key);

}  // namespace sweep
