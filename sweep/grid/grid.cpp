#include "sweep/grid/grid.h"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <unordered_set>

#include "core/errors.h"
#include "core/keys.h"
#include "core/trial_id.h"
#include "sweep/grid/grid_values.h"

namespace sweep {

const GridEntry* Grid::find(const std::string& key) const {
  for (const auto& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

std::string Grid::fixed_value(const std::string& key) const {
  const GridEntry* e = find(key);
  if (e != nullptr && !e->axis) return e->values.front();
  const KeySpec* spec = find_key(key);
  return spec == nullptr ? "" : spec->default_value;
}

std::size_t Grid::size() const {
  if (search.method != SearchSettings::Method::kGrid) return search.samples;
  std::size_t n = 1;
  for (const auto& e : entries) {
    if (e.axis) n *= e.values.size();
  }
  return n;
}

void apply_overrides(Grid& grid,
                     const std::vector<std::pair<std::string, std::string>>& overrides) {
  for (const auto& [key, value] : overrides) {
    const std::string origin = "command line --" + key;
    if (is_search_setting(key)) {
      try {
        set_search_setting(grid.search, key, value, origin);
      } catch (const GridError& e) {
        throw GridError(origin + ": " + e.what());
      }
      continue;
    }
    const KeySpec* spec = find_key(key);
    if (spec == nullptr)
      throw GridError(origin + ": unknown key '" + key + "'" + closest_key_hint(key));
    GridEntry entry;
    entry.key = key;
    entry.origin = origin;
    try {
      entry.dist = spec->axis ? parse_distribution(*spec, value) : std::nullopt;
      if (!entry.dist) {
        entry.values = spec->axis ? parse_value_list(*spec, value)
                                  : std::vector<std::string>{parse_single_value(*spec, value)};
      }
    } catch (const GridError& e) {
      throw GridError(origin + ": " + e.what());
    }
    entry.axis = entry.dist.has_value() || entry.values.size() > 1;
    bool replaced = false;
    for (auto& e : grid.entries) {
      if (e.key == key) {
        e = entry;
        replaced = true;
      }
    }
    if (!replaced) grid.entries.push_back(std::move(entry));
  }
}

namespace {

// Builds the trials of a grid from the values of its axes: each known key at its fixed value
// (or default), the axes' values over them, the keys a trial does not use back at their
// defaults, and the id; all with the keys' positions looked up once.
class Expander {
 public:
  Expander(const Grid& grid, const std::vector<const GridEntry*>& axes)
      : keys_(known_keys()), axis_of_(keys_.size(), -1), used_if_(keys_.size()) {
    base_.reserve(keys_.size());
    for (const auto& k : keys_) base_.push_back(grid.fixed_value(k.name));
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const KeySpec* k = find_key(axes[a]->key);
      if (k != nullptr) axis_of_[static_cast<std::size_t>(k - keys_.data())] = static_cast<int>(a);
    }
    for (std::size_t k = 0; k < keys_.size(); ++k) {
      for (const auto& [key, values] : keys_[k].used_if) {
        const KeySpec* on = find_key(key);
        if (on != nullptr)
          used_if_[k].push_back({static_cast<std::size_t>(on - keys_.data()), &values});
      }
    }
    values_.resize(keys_.size());
  }

  // Adds the trial whose axes take `axis_values` (one per axis, in the axes' order) to `out`,
  // unless a trial with its id is there already (`seen` holds their ids).
  void add(const std::vector<const std::string*>& axis_values, TrialSet& out,
           std::unordered_set<std::uint64_t>& seen) {
    for (std::size_t k = 0; k < keys_.size(); ++k) {
      values_[k] = axis_of_[k] < 0 ? &base_[k] : axis_values[static_cast<std::size_t>(axis_of_[k])];
    }
    // A key this trial does not use holds its default, so that trials differing only in
    // unused keys are one trial (one id), trained once. In key order: a key's condition sees
    // the earlier keys as they ended up.
    for (std::size_t k = 0; k < keys_.size(); ++k) {
      for (const Condition& c : used_if_[k]) {
        const std::string& v = *values_[c.key];
        if (std::find(c.values->begin(), c.values->end(), v) == c.values->end()) {
          values_[k] = &keys_[k].default_value;
          break;
        }
      }
    }
    const std::uint64_t id = id_of_(values_);
    if (seen.insert(id).second) out.add(id, values_);
  }

 private:
  struct Condition {
    std::size_t key;                         // index into known_keys()
    const std::vector<std::string>* values;  // the values under which the key is used
  };
  const std::vector<KeySpec>& keys_;
  std::vector<std::string> base_;  // per key: its fixed value or default
  std::vector<int> axis_of_;       // per key: its axis, or -1
  std::vector<std::vector<Condition>> used_if_;
  std::vector<const std::string*> values_;  // the trial being built
  TrialIdOfValues id_of_;
};

TrialSet sample(const Grid& grid, const std::vector<const GridEntry*>& axes) {
  const SearchSettings& s = grid.search;
  TrialSet trials;
  Expander expander(grid, axes);
  std::unordered_set<std::uint64_t> seen;
  std::vector<std::string> drawn(axes.size());
  std::vector<const std::string*> values(axes.size());
  for (std::uint64_t i = 0; trials.size() < s.samples && i < 100 * s.samples; ++i) {
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const double u = sample_uniform(s.seed, i, axes[a]->key);
      if (axes[a]->dist) {
        drawn[a] = draw(*find_key(axes[a]->key), *axes[a]->dist, u);
        values[a] = &drawn[a];
      } else {
        const auto n = axes[a]->values.size();
        values[a] = &axes[a]->values[std::min(n - 1, static_cast<std::size_t>(u * n))];
      }
    }
    expander.add(values, trials, seen);
  }
  return trials;
}

}  // namespace

struct TrialBuilder::Impl {
  explicit Impl(const Grid& grid) : axes(axes_of(grid)), expander(grid, axes) {}
  static std::vector<const GridEntry*> axes_of(const Grid& grid) {
    std::vector<const GridEntry*> out;
    for (const auto& e : grid.entries) {
      if (e.axis) out.push_back(&e);
    }
    return out;
  }
  std::vector<const GridEntry*> axes;
  Expander expander;
};

TrialBuilder::TrialBuilder(const Grid& grid) : impl_(std::make_unique<Impl>(grid)) {}
TrialBuilder::~TrialBuilder() = default;

const std::vector<const GridEntry*>& TrialBuilder::axes() const { return impl_->axes; }

TrialSpec TrialBuilder::build(const std::vector<std::string>& axis_values) {
  if (axis_values.size() != impl_->axes.size()) {
    throw std::invalid_argument("TrialBuilder::build: " + std::to_string(axis_values.size()) +
                                " values for " + std::to_string(impl_->axes.size()) + " axes");
  }
  std::vector<const std::string*> values;
  for (const auto& v : axis_values) values.push_back(&v);
  TrialSet one;
  std::unordered_set<std::uint64_t> seen;
  impl_->expander.add(values, one, seen);
  return one.spec(0);
}

Grid halving_configs(const Grid& grid) {
  Grid configs = grid;
  GridEntry epochs;
  epochs.key = "epochs";
  epochs.values = {std::to_string(grid.search.max_epochs)};
  epochs.origin = "max_epochs";
  configs.entries.push_back(epochs);
  return configs;
}

TrialSet expand(const Grid& grid) {
  std::vector<const GridEntry*> axes;
  for (const auto& e : grid.entries) {
    if (e.axis) axes.push_back(&e);
  }
  // TPE: the trials random search would draw, which the plan checks and costs as a sample of
  // the space; the run suggests its trials as results come in (sweep/search/tpe_work.h).
  if (grid.search.method == SearchSettings::Method::kRandom ||
      (grid.search.method == SearchSettings::Method::kTpe && !grid.search.halving())) {
    return sample(grid, axes);
  }
  if (grid.search.halving()) {
    // Configurations as for random search, each trained (at most) to max_epochs. With TPE, a
    // sample of the space that the plan checks and costs; the run suggests its own.
    const Grid configs = halving_configs(grid);
    std::vector<const GridEntry*> config_axes;
    for (const auto& e : configs.entries) {
      if (e.axis) config_axes.push_back(&e);
    }
    return sample(configs, config_axes);
  }
  TrialSet trials;
  Expander expander(grid, axes);
  std::unordered_set<std::uint64_t> seen;
  seen.reserve(grid.size());
  std::vector<std::size_t> pos(axes.size(), 0);
  std::vector<const std::string*> values(axes.size());
  while (true) {
    for (std::size_t a = 0; a < axes.size(); ++a) values[a] = &axes[a]->values[pos[a]];
    expander.add(values, trials, seen);
    // Odometer step: the last axis varies fastest.
    std::size_t a = axes.size();
    while (a > 0) {
      --a;
      if (++pos[a] < axes[a]->values.size()) break;
      pos[a] = 0;
      if (a == 0) return trials;
    }
    if (axes.empty()) return trials;
  }
}

}  // namespace sweep
