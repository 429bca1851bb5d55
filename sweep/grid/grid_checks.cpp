// check_consistency (declared in grid.h): the checks of a grid as a whole, across its keys.
#include <algorithm>
#include <set>
#include <stdexcept>
#include <unordered_set>

#include "core/errors.h"
#include "core/keys.h"
#include "sweep/grid/grid.h"
#include "sweep/grid/grid_values.h"

namespace sweep {

namespace {

// The values `key` can take in trials of `grid`: its list, its choices, or its fixed value.
// Empty for a numeric distribution (which the conditions never name).
std::vector<std::string> possible_values(const Grid& grid, const std::string& key) {
  const GridEntry* e = grid.find(key);
  if (e == nullptr) return {grid.fixed_value(key)};
  if (e->dist) return e->dist->choices;
  return e->values;
}

// Throws GridError when the grid sets a key that no trial of it uses (momentum without sgd,
// filters for a resnet only, ...).
void check_keys_used(const Grid& grid) {
  for (const auto& e : grid.entries) {
    const KeySpec* spec = find_key(e.key);
    if (spec == nullptr) continue;
    for (const auto& condition : spec->used_if) {
      const std::string& key = condition.first;
      const std::vector<std::string>& allowed = condition.second;  // (a lambda below needs it)
      const std::vector<std::string> values = possible_values(grid, key);
      const bool any = std::any_of(values.begin(), values.end(), [&](const std::string& v) {
        return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
      });
      if (!any) {
        std::string have;
        for (const auto& v : values) have += (have.empty() ? "" : ", ") + v;
        throw GridError(e.origin + ": key '" + e.key + "' is only used when " +
                        used_if_text(*spec) + ", and this grid has " + key + " = " + have +
                        "; remove the key or change " + key);
      }
    }
  }
}

// True when some trial of `grid` may have `key` at `value` (a list holding it, or the fixed
// value or default).
bool may_be(const Grid& grid, const std::string& key, const std::string& value) {
  const GridEntry* e = grid.find(key);
  if (e != nullptr && e->dist)
    return e->dist->kind == Distribution::Kind::kChoice
               ? std::count(e->dist->choices.begin(), e->dist->choices.end(), value) > 0
               : e->dist->low <= std::stod(value) && std::stod(value) <= e->dist->high;
  const std::vector<std::string> values = possible_values(grid, key);
  return std::find(values.begin(), values.end(), value) != values.end();
}

// Early stopping watches the validation loss, and a trial trained in rungs must reach each
// rung's epochs.
void check_early_stopping(const Grid& grid) {
  const GridEntry* es = grid.find("early_stop_patience");
  if (es == nullptr || (!es->dist && es->values.size() == 1 && es->values.front() == "0")) return;
  if (may_be(grid, "val_split", "0")) {
    const GridEntry* vs = grid.find("val_split");
    throw GridError((vs != nullptr ? vs->origin : es->origin) +
                    ": early_stop_patience watches the validation loss; val_split must be above 0");
  }
  if (grid.search.halving()) {
    throw GridError(es->origin +
                    ": early_stop_patience cannot be used with successive halving, which decides "
                    "itself how long each trial trains");
  }
}

// normalize = custom takes its values from mean and std, as many of each.
void check_normalization(const Grid& grid) {
  if (!may_be(grid, "normalize", "custom")) return;
  const GridEntry* at = grid.find("normalize");
  const std::string where = at != nullptr ? at->origin : grid.path;
  const std::string mean = grid.fixed_value("mean"), sd = grid.fixed_value("std");
  if (mean.empty() || sd.empty()) {
    throw GridError(where +
                    ": normalize = custom needs keys 'mean' and 'std' (one value for all "
                    "channels or one per channel, on the 0-1 pixel scale, e.g. mean = 0.5 and "
                    "std = 0.25)");
  }
  auto count = [](const std::string& list) {
    return std::count(list.begin(), list.end(), ' ') + 1;  // canonical: one space between
  };
  if (count(mean) != count(sd)) {
    throw GridError(grid.find("std")->origin + ": key 'std' has " + std::to_string(count(sd)) +
                    " value(s) and key 'mean' " + std::to_string(count(mean)) +
                    "; give as many of each");
  }
}

}  // namespace

void check_consistency(const Grid& grid) {
  check_keys_used(grid);
  check_early_stopping(grid);
  check_normalization(grid);
  const std::string dataset = grid.fixed_value("dataset");
  auto origin = [&](const std::string& key) {
    const GridEntry* e = grid.find(key);
    return e != nullptr ? e->origin : grid.path;
  };
  if (dataset == "csv" && grid.fixed_value("train_csv").empty()) {
    throw GridError(origin("dataset") + ": key 'train_csv' is required when dataset = csv");
  }
  if (dataset == "hdf5" && grid.fixed_value("cache").empty()) {
    throw GridError(origin("dataset") +
                    ": key 'cache' is required when dataset = hdf5 (an image "
                    "cache written by sweep prepare)");
  }
  if (dataset != "csv" && dataset != "hdf5" &&
      grid.fixed_value("data_dir").empty()) {  // idx, folder
    throw GridError(origin("data_dir") + ": key 'data_dir' is required when dataset = " + dataset);
  }
  const SearchSettings& s = grid.search;
  const std::string search_at = s.origin.empty() ? grid.path : s.origin;
  if (!s.halving() && !s.asha_origin.empty()) {
    throw GridError(s.asha_origin +
                    ": min_epochs, max_epochs and reduction_factor are only used with search = "
                    "asha or tpe");
  }
  if (s.method != SearchSettings::Method::kTpe && !s.tpe_origin.empty()) {
    throw GridError(s.tpe_origin +
                    ": startup_trials and ei_candidates are only used with search = tpe");
  }
  if (!s.median_stopping && !s.stopping_setting_origin.empty()) {
    throw GridError(s.stopping_setting_origin +
                    ": stopping_warmup and stopping_min_trials are only used with stopping = "
                    "median");
  }
  if (s.median_stopping) {
    if (s.halving()) {
      throw GridError(s.stopping_origin +
                      ": stopping = median cannot be used with successive halving (search = "
                      "asha, or tpe with max_epochs), which stops trials early itself");
    }
    if (may_be(grid, "val_split", "0")) {
      const GridEntry* vs = grid.find("val_split");
      throw GridError((vs != nullptr ? vs->origin : s.stopping_origin) +
                      ": stopping = median compares validation accuracy; val_split must be above "
                      "0");
    }
    for (const std::string& v : possible_values(grid, "ranks_per_trial")) {
      if (v != "1") {
        const GridEntry* e = grid.find("ranks_per_trial");
        throw GridError((e != nullptr ? e->origin : s.stopping_origin) +
                        ": stopping = median cannot stop a trial trained by a group of ranks "
                        "(ranks_per_trial = " +
                        v + "); use ranks_per_trial = 1");
      }
    }
  }
  if (s.method == SearchSettings::Method::kTpe) {
    if (std::none_of(grid.entries.begin(), grid.entries.end(),
                     [](const GridEntry& e) { return e.axis; })) {
      throw GridError(search_at +
                      ": search = tpe needs a [grid] section with at least one key to search");
    }
    if (may_be(grid, "val_split", "0")) {
      const GridEntry* vs = grid.find("val_split");
      throw GridError((vs != nullptr ? vs->origin : search_at) +
                      ": search = tpe learns from validation accuracy; val_split must be above 0");
    }
  }
  if (s.halving()) {
    const std::string name = s.method == SearchSettings::Method::kAsha
                                 ? "search = asha"
                                 : "successive halving (search = tpe with min_epochs, max_epochs "
                                   "or reduction_factor)";
    if (s.max_epochs == 0) {
      throw GridError(search_at + ": " + name + " needs max_epochs = N (the top rung's epochs)");
    }
    if (s.min_epochs > s.max_epochs) {
      throw GridError(s.asha_origin + ": min_epochs (" + std::to_string(s.min_epochs) +
                      ") is above max_epochs (" + std::to_string(s.max_epochs) + ")");
    }
    if (const GridEntry* e = grid.find("epochs")) {
      throw GridError(e->origin + ": key 'epochs' is not used with " + name +
                      "; the rungs train from min_epochs to max_epochs");
    }
    const GridEntry* vs = grid.find("val_split");
    const bool no_val =
        vs == nullptr ? false
        : vs->dist    ? vs->dist->low == 0
                      : std::find(vs->values.begin(), vs->values.end(), "0") != vs->values.end();
    if (no_val) {
      throw GridError(vs->origin + ": " + name +
                      " compares trials by validation accuracy; val_split must be above 0");
    }
  }
  if (s.method == SearchSettings::Method::kGrid) {
    // The product of the axes, saturating: a grid is expanded into memory, trial by trial.
    constexpr std::size_t kMaxTrials = 10000000;  // as samples' bound
    std::size_t n = 1;
    std::string axes;
    for (const auto& e : grid.entries) {
      if (!e.axis || e.dist) continue;
      n = e.values.size() > 0 && n > kMaxTrials / e.values.size() ? kMaxTrials + 1
                                                                  : n * e.values.size();
      axes += (axes.empty() ? "" : " x ") + e.key + " (" + std::to_string(e.values.size()) + ")";
    }
    if (n > kMaxTrials) {
      throw GridError(grid.path + ": the grid expands to more than " + std::to_string(kMaxTrials) +
                      " trials (" + axes +
                      "); split it into several grids, or draw a sample of it with search = "
                      "random and samples = N");
    }
    for (const auto& e : grid.entries) {
      if (e.dist) {
        throw GridError(e.origin + ": key '" + e.key + "' is a distribution, " + e.dist->text +
                        ", which a grid cannot enumerate; set search = random and samples = N, "
                        "or give a list of values");
      }
    }
    if (!s.samples_origin.empty()) {
      throw GridError(s.samples_origin +
                      ": key 'samples' is only used with search = random or asha; remove it or "
                      "set search = random");
    }
  } else if (s.samples == 0) {
    throw GridError(search_at + ": search = " +
                    (s.method == SearchSettings::Method::kAsha  ? "asha"
                     : s.method == SearchSettings::Method::kTpe ? "tpe"
                                                                : "random") +
                    " needs samples = N (how many trials to draw)");
  }
}

}  // namespace sweep
