// A grid: fixed keys and swept axes read from an INI file (Boost.Program_options) and the
// command line, expanded into trials.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sweep/trial.h"

namespace sweep {

// One key as the user set it: canonical values (one for a fixed key, one or more for an axis)
// and where it was set ("grid.ini:12" or "command line"), for messages.
struct GridEntry {
  std::string key;
  std::vector<std::string> values;
  bool axis = false;
  std::string origin;
};

struct Grid {
  std::string path;  // the grid file as given
  std::string text;  // its full text, stored in the results file
  std::vector<GridEntry> entries;

  // The entry for `key`, or nullptr.
  const GridEntry* find(const std::string& key) const;
  // The effective single value of a fixed (non-axis) key: its entry or the schema default.
  std::string fixed_value(const std::string& key) const;
  // Number of trials the grid expands to (product of axis sizes).
  std::size_t size() const;
};

// Reads and checks the grid file at `path`: top-level `key = value` lines for fixed keys and a
// `[grid]` section whose values are comma-separated lists (optionally in brackets).
// Throws GridError "PATH:LINE: key 'K': ..." on an unreadable file, a syntax error, an unknown
// section or key, a duplicate key or value, an empty list, a list outside [grid], or a value of
// the wrong type or out of range.
Grid read_grid_file(const std::string& path);

// Parses grid text as read_grid_file does; `path` only names the source in messages.
Grid parse_grid_text(const std::string& text, const std::string& path);

// Replaces or adds keys from the command line ("key", "v1,v2,..."): one value makes the key
// fixed, several make it an axis. Throws GridError naming the option on an unknown key or a
// bad value.
void apply_overrides(Grid& grid, const std::vector<std::pair<std::string, std::string>>& overrides);

// Checks rules that involve several keys (e.g. dataset = csv needs train_csv).
// Throws GridError naming the key.
void check_consistency(const Grid& grid);

// The Cartesian product of the axes, each trial holding every known key with its effective
// value and its trial id. Axes vary in the order they were written, the last one fastest.
std::vector<TrialSpec> expand(const Grid& grid);

}  // namespace sweep
