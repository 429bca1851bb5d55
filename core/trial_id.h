// Stable trial identity: the same settings give the same 64-bit id on every machine and run.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sweep {

// The canonical text of a trial: "key=value\n" for every key that is part of the id
// (KeySpec::in_id) and whose value differs from its default, sorted by key, after a version
// line. Leaving defaults out keeps ids stable when a later release adds a key whose default
// reproduces the old behaviour. `params` must hold canonical values (canonical_value).
std::string canonical_text(const std::vector<std::pair<std::string, std::string>>& params);

// 64-bit FNV-1a of `text`, finished with the splitmix64 mixer. Pure function of the bytes.
std::uint64_t hash64(const std::string& text);

// hash64 fed piece by piece: Hash64 h; h.add(a); h.add(b); h.finish() == hash64(a + b).
class Hash64 {
 public:
  void add(std::string_view bytes) {
    for (unsigned char c : bytes) {
      h_ ^= c;
      h_ *= 1099511628211ULL;
    }
  }
  std::uint64_t finish() const;

 private:
  std::uint64_t h_ = 14695981039346656037ULL;
};

// hash64(canonical_text(params)).
std::uint64_t trial_id_of(const std::vector<std::pair<std::string, std::string>>& params);

// trial_id_of for trials given as one value per known key (known_keys() order), with the
// keys' order and defaults looked up once: for expanding many trials.
class TrialIdOfValues {
 public:
  TrialIdOfValues();
  // The id of the trial whose value of known_keys()[k] is *values[k]; `values` must hold one
  // value per known key.
  std::uint64_t operator()(const std::vector<const std::string*>& values) const;

 private:
  std::vector<std::size_t> order_;  // the keys in the id (KeySpec::in_id), sorted by name
};

// The id as 16 lower-case hex digits, as printed and used in file names.
std::string trial_id_hex(std::uint64_t id);

}  // namespace sweep
