#include "results/analysis/where.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "core/errors.h"
#include "core/keys.h"
#include "results/analysis/analysis.h"

namespace sweep::results {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// `text` as a number, when all of it is one.
bool as_number(const std::string& text, double* v) {
  if (text.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

}  // namespace

void check_key_option(const std::string& key, const char* option) {
  if (key != "status" && find_key(key) == nullptr) {
    throw UsageError(std::string(option) + ": unknown key '" + key +
                     "'; a grid key (see sweep --help) or status");
  }
}

bool same_value(const std::string& stored, const std::string& wanted) {
  double a = 0, b = 0;
  if (as_number(stored, &a) && as_number(wanted, &b)) return a == b;
  return stored == wanted;
}

bool matches_where(const StoredTrial& t,
                   const std::vector<std::pair<std::string, std::string>>& where) {
  return std::all_of(where.begin(), where.end(), [&](const auto& kv) {
    return same_value(trial_value(t, kv.first), kv.second);
  });
}

std::vector<std::pair<std::string, std::string>> parse_where(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    const auto eq = part.find('=');
    const std::string key = trim(part.substr(0, eq));
    if (eq == std::string::npos || key.empty()) {
      throw UsageError("--where: '" + trim(part) + "' is not key=value");
    }
    check_key_option(key, "--where");
    out.emplace_back(key, trim(part.substr(eq + 1)));
  }
  return out;
}

std::vector<StoredTrial> filter_trials(
    std::vector<StoredTrial> trials,
    const std::vector<std::pair<std::string, std::string>>& where) {
  if (where.empty()) return trials;
  std::vector<StoredTrial> out;
  for (auto& t : trials) {
    if (matches_where(t, where)) out.push_back(std::move(t));
  }
  return out;
}

}  // namespace sweep::results
