#include "sweep/grid/grid_values.h"

#include <algorithm>

#include "core/errors.h"

namespace sweep {

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::vector<std::string> parse_value_list(const KeySpec& spec, const std::string& text) {
  std::string body = trim(text);
  if (!body.empty() && body.front() == '[') {
    if (body.back() != ']') throw GridError("key '" + spec.name + "': unbalanced '[' in list");
    body = trim(body.substr(1, body.size() - 2));
  }
  if (body.empty()) throw GridError("key '" + spec.name + "': empty list of values");
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = body.find(',', start);
    std::string item =
        trim(body.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (item.empty())
      throw GridError("key '" + spec.name + "': empty value in list '" + body + "'");
    std::string v = canonical_value(spec, item);
    if (std::find(out.begin(), out.end(), v) != out.end()) {
      throw GridError("key '" + spec.name + "': value " + item + " appears twice");
    }
    out.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string parse_single_value(const KeySpec& spec, const std::string& text) {
  std::string v = trim(text);
  if (v.empty() && spec.type != KeyType::kString) {
    throw GridError("key '" + spec.name + "': empty value; expected " + expected_text(spec));
  }
  if (spec.axis && v.find(',') != std::string::npos) {
    throw GridError("key '" + spec.name +
                    "': a list of values or a distribution belongs in the [grid] section");
  }
  return canonical_value(spec, v);
}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string closest_key_hint(const std::string& key) {
  std::string best;
  std::size_t best_d = 4;
  for (const auto& k : known_keys()) {
    std::size_t d = edit_distance(key, k.name);
    if (d < best_d) {
      best_d = d;
      best = k.name;
    }
  }
  return best.empty() ? "; see docs/keys.md for the list of keys"
                      : "; did you mean '" + best + "'?";
}

}  // namespace sweep
