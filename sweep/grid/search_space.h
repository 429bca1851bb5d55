// Search spaces beyond the grid: the distributions a [grid] key may be given instead of a list
// (uniform, loguniform, int, choice), the search settings (`search`, `samples`, `search_seed`)
// and seeded, reproducible sampling. No MPI, no LibTorch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/keys.h"

namespace sweep {

// A distribution to sample one key from.
struct Distribution {
  enum class Kind { kUniform, kLogUniform, kInt, kChoice };
  Kind kind = Kind::kUniform;
  double low = 0, high = 0;          // bounds (inclusive) for kUniform, kLogUniform, kInt
  std::vector<std::string> choices;  // canonical values for kChoice
  std::string text;                  // canonical form, e.g. "loguniform(0.0001, 0.1)"
};

// Parses "uniform(a, b)", "loguniform(a, b)", "int(a, b)" or "choice(x, y, ...)" for `spec`;
// returns nullopt when `text` is not written as a distribution (a plain value or list).
// Throws GridError naming the key on a malformed distribution, bounds outside the key's range
// or not low < high (int: low <= high), loguniform with low <= 0, a numeric distribution on a
// choice or text key, int() on a float key, or a duplicate choice.
std::optional<Distribution> parse_distribution(const KeySpec& spec, const std::string& text);

// The canonical value of `spec` that the uniform number `u` in [0, 1) picks from `d`: uniform
// and loguniform values are rounded to 6 significant digits (and kept within the bounds), and
// to the nearest integer for an integer key; int(a, b) gives each integer of [a, b] the same
// chance; choice each value.
std::string draw(const KeySpec& spec, const Distribution& d, double u);

// The canonical value of `spec` for the number `v` of a uniform, loguniform or int
// distribution `d`: rounded as draw() rounds and kept within the bounds.
std::string value_text(const KeySpec& spec, const Distribution& d, double v);

// How the trials of a grid file are chosen.
struct SearchSettings {
  enum class Method { kGrid, kRandom, kAsha, kTpe };
  Method method = Method::kGrid;
  std::size_t samples = 0;   // random, asha, tpe: how many distinct trials (configurations) to draw
  std::uint64_t seed = 0;    // search_seed: which trials are drawn
  int min_epochs = 1;        // asha: the bottom rung's budget
  int max_epochs = 0;        // asha: the top rung's budget (required)
  int reduction_factor = 3;  // asha: eta
  std::size_t startup_trials = 10;          // tpe: trials drawn at random before the model is used
  std::size_t ei_candidates = 24;           // tpe: candidates scored per parameter and suggestion
  bool median_stopping = false;             // stopping = median
  int stopping_warmup = 0;                  // no trial stops at an epoch <= this
  std::size_t stopping_min_trials = 5;      // completed trials before any stops
  std::string origin;                       // where `search` was set ("" = default), for messages
  std::string samples_origin, asha_origin;  // where samples / an asha setting was set
  std::string tpe_origin;                   // where a tpe setting was set
  std::string stopping_origin;              // where `stopping` was set
  std::string stopping_setting_origin;      // where stopping_warmup/stopping_min_trials was set

  // True when trials train rung by rung under successive halving: search = asha, or search =
  // tpe with a successive-halving setting (min_epochs, max_epochs, reduction_factor) set.
  bool halving() const {
    return method == Method::kAsha || (method == Method::kTpe && !asha_origin.empty());
  }
};

// True for the names of the search settings: search, samples, search_seed, min_epochs,
// max_epochs, reduction_factor, startup_trials, ei_candidates, stopping, stopping_warmup,
// stopping_min_trials.
bool is_search_setting(const std::string& key);

// Sets the search setting `key` of `s` from `value`. Throws GridError (naming the key, not
// where it was set) on an unknown method, a sample count outside [1, 10000000], a bad seed,
// epochs outside [1, 100000], a reduction factor outside [2, 100], startup_trials outside
// [0, 10000000], ei_candidates outside [1, 10000], stopping other than none or median,
// stopping_warmup outside [0, 100000] or stopping_min_trials outside [1, 1000000].
void set_search_setting(SearchSettings& s, const std::string& key, const std::string& value,
                        const std::string& origin);

// A number in [0, 1) determined by (seed, sample, key) alone: the same grid file and seed give
// the same values on any machine, and a key's values do not depend on the other keys.
double sample_uniform(std::uint64_t seed, std::uint64_t sample, const std::string& key);

}  // namespace sweep
