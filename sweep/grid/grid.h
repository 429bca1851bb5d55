// A grid: fixed keys and swept axes read from an INI file (Boost.Program_options) and the
// command line, expanded into trials.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/trial.h"
#include "core/trial_set.h"
#include "sweep/grid/search_space.h"

namespace sweep {

// One key as the user set it: canonical values (one for a fixed key, one or more for an axis)
// or a distribution to sample from (an axis with no values), and where it was set
// ("grid.ini:12" or "command line"), for messages.
struct GridEntry {
  std::string key;
  std::vector<std::string> values;
  std::optional<Distribution> dist;
  bool axis = false;
  std::string origin;
};

struct Grid {
  std::string path;  // the grid file as given
  std::string text;  // its full text, stored in the results file
  std::vector<GridEntry> entries;
  SearchSettings search;

  // The entry for `key`, or nullptr.
  const GridEntry* find(const std::string& key) const;
  // The effective single value of a fixed (non-axis) key: its entry or the schema default.
  std::string fixed_value(const std::string& key) const;
  // Number of trials the grid expands to at most: the product of the axis sizes (fewer when
  // some trials do not use an axis), or for random search the number of samples asked for.
  std::size_t size() const;
};

// Reads and checks the grid file at `path`: top-level `key = value` lines for fixed keys and
// the search settings, and a `[grid]` section whose values are comma-separated lists
// (optionally in brackets) or distributions (see sweep/grid/search_space.h).
// Throws GridError "PATH:LINE: key 'K': ..." on an unreadable file, a syntax error, an unknown
// section or key, a duplicate key or value, an empty list, a list outside [grid], or a value of
// the wrong type or out of range.
Grid read_grid_file(const std::string& path);

// Parses grid text as read_grid_file does; `path` only names the source in messages.
Grid parse_grid_text(const std::string& text, const std::string& path);

// Replaces or adds keys from the command line ("key", "v1,v2,..."): one value makes the key
// fixed, several or a distribution make it an axis; search settings are set too. Throws
// GridError naming the option on an unknown key or a bad value.
void apply_overrides(Grid& grid, const std::vector<std::pair<std::string, std::string>>& overrides);

// Checks rules that involve several keys (e.g. dataset = csv needs train_csv; a distribution
// needs search = random, which needs samples; a key set must be used by some trial, as
// momentum needs optimizer = sgd). Throws GridError naming the key and where it was set.
void check_consistency(const Grid& grid);

// The trials of the grid, each holding every known key with its effective value and its trial
// id. A key that a trial does not use (KeySpec::used_if) holds its default there, and of trials
// that become equal only the first is kept. Grid search: the Cartesian product of the axes,
// which vary in the order they were written, the last one fastest. Random search: `samples`
// distinct trials; sample i takes each axis's value from sample_uniform(search_seed, i, key) (a
// list axis: each value equally likely), and a sample equal to an earlier one is skipped (after 100
// x samples draws, fewer trials are returned).
TrialSet expand(const Grid& grid);

// The grid whose trials are successive halving's configurations: `grid` with epochs fixed at
// max_epochs (each configuration's budget at the top rung, and part of its trial id).
Grid halving_configs(const Grid& grid);

// Builds single trials of a grid from values of its axes, as expand() does (unused keys at
// their defaults, the id from the values): for searches that choose their trials as results
// come in. `grid` must outlive the builder.
class TrialBuilder {
 public:
  explicit TrialBuilder(const Grid& grid);
  ~TrialBuilder();
  TrialBuilder(const TrialBuilder&) = delete;
  TrialBuilder& operator=(const TrialBuilder&) = delete;

  // The grid's axes, in the order they were written.
  const std::vector<const GridEntry*>& axes() const;
  // The trial whose axes take `axis_values` (canonical values, one per axis, in axes() order).
  // Throws std::invalid_argument when the count differs from the axes'.
  TrialSpec build(const std::vector<std::string>& axis_values);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sweep
