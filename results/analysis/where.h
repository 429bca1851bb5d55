// The --where filter of `sweep rank` and `sweep export`: only the trials whose parameters (or
// status) have the given values.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "results/store/store.h"

namespace sweep::results {

// Parses --where "key=value,key=value" (keys: grid keys or `status`). Throws UsageError naming
// the part that is not key=value or the unknown key.
std::vector<std::pair<std::string, std::string>> parse_where(const std::string& text);

// Whether stored text `stored` is `wanted`: as numbers when both are (0.001 is 1e-3), else as
// text.
bool same_value(const std::string& stored, const std::string& wanted);

// Whether `t`'s parameters (or status) equal every `where` value (as same_value says).
bool matches_where(const StoredTrial& t,
                   const std::vector<std::pair<std::string, std::string>>& where);

// The trials whose parameters (or status) equal every `where` value; numbers compare as numbers
// (0.001 matches 1e-3).
std::vector<StoredTrial> filter_trials(
    std::vector<StoredTrial> trials, const std::vector<std::pair<std::string, std::string>>& where);

// Throws UsageError naming `option` (e.g. "--group-by") when `key` is neither a grid key nor
// `status`.
void check_key_option(const std::string& key, const char* option);

}  // namespace sweep::results
