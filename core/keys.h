// The schema of every key a grid file may set: its type, default, allowed range or choices,
// whether it may be a swept axis, and whether it is part of a trial's identity.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sweep {

// kFloatList: one or more numbers separated by spaces or commas (canonical: spaces), each
// within min..max.
enum class KeyType { kInt, kFloat, kString, kChoice, kFloatList };

// The most numbers a kFloatList value holds (one per image channel).
constexpr std::size_t kMaxListValues = 4;

struct KeySpec {
  std::string name;
  KeyType type = KeyType::kString;
  std::string default_value;
  double min = 0, max = 0;           // inclusive bounds for kInt, kFloat and kFloatList
  bool min_exclusive = false;        // bound `min` itself is not allowed
  bool max_exclusive = false;        // bound `max` itself is not allowed
  std::vector<std::string> choices;  // for kChoice, canonical names first
  std::vector<std::string> aliases;  // for kChoice: "alias=canonical" pairs
  // For a kString key with a grammar of its own: its canonical text, or std::invalid_argument
  // saying what is wrong; `expected` says in words what it accepts. Null: any text.
  std::string (*canonical)(const std::string& raw) = nullptr;
  std::string expected;
  bool axis = true;            // may appear in [grid] with several values
  bool in_id = true;           // changes the result, so part of the trial id
  bool column = true;          // a column of the trials table (device: the result's is)
  std::string models = "all";  // which models use it (documentation)
  std::string help;
  // The key matters to a trial only when each named key has one of the listed values (e.g.
  // momentum: optimizer in {sgd}). Empty: always used. A grid that sets a key no trial of it
  // uses is an error; a trial that does not use a key holds its default.
  std::vector<std::pair<std::string, std::vector<std::string>>> used_if;
};

// True when `spec` is used by a trial whose values `value_of(key)` returns.
template <typename ValueOf>
bool key_is_used(const KeySpec& spec, const ValueOf& value_of) {
  for (const auto& [key, values] : spec.used_if) {
    const std::string v = value_of(key);
    bool found = false;
    for (const auto& ok : values) found = found || ok == v;
    if (!found) return false;
  }
  return true;
}

// "optimizer is sgd" or "model is one of resnet, vit": the condition of `spec`, for messages
// and docs/keys.md; "" when the key is always used.
std::string used_if_text(const KeySpec& spec);

// All known keys, in the order they are stored and printed.
const std::vector<KeySpec>& known_keys();

// The key named `name`, or nullptr when there is none.
const KeySpec* find_key(std::string_view name);

// Checks `raw` against `spec` and returns its canonical text: integers in decimal, floats in
// the shortest text that reads back to the same double, choices lower-cased with aliases kept
// as written (they name different data) and strings unchanged. On a value of the wrong type or
// out of range, throws GridError whose message names the key and what was expected (the
// caller prefixes the file and line).
std::string canonical_value(const KeySpec& spec, const std::string& raw);

// A one-line description of what `spec` accepts, e.g. "an integer in [1, 4096]".
std::string expected_text(const KeySpec& spec);

}  // namespace sweep
