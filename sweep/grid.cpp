#include "sweep/grid.h"

#include "sweep/errors.h"
#include "sweep/grid_values.h"
#include "sweep/keys.h"
#include "sweep/trial_id.h"

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
    const KeySpec* spec = find_key(key);
    if (spec == nullptr)
      throw GridError(origin + ": unknown key '" + key + "'" + closest_key_hint(key));
    GridEntry entry;
    entry.key = key;
    entry.origin = origin;
    try {
      entry.values = spec->axis ? parse_value_list(*spec, value)
                                : std::vector<std::string>{parse_single_value(*spec, value)};
    } catch (const GridError& e) {
      throw GridError(origin + ": " + e.what());
    }
    entry.axis = entry.values.size() > 1;
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

void check_consistency(const Grid& grid) {
  const std::string dataset = grid.fixed_value("dataset");
  auto origin = [&](const std::string& key) {
    const GridEntry* e = grid.find(key);
    return e != nullptr ? e->origin : grid.path;
  };
  if (dataset == "csv" && grid.fixed_value("train_csv").empty()) {
    throw GridError(origin("dataset") + ": key 'train_csv' is required when dataset = csv");
  }
  if (dataset != "csv" && grid.fixed_value("data_dir").empty()) {
    throw GridError(origin("data_dir") + ": key 'data_dir' is required when dataset = " + dataset);
  }
}

std::vector<TrialSpec> expand(const Grid& grid) {
  std::vector<const GridEntry*> axes;
  for (const auto& e : grid.entries) {
    if (e.axis) axes.push_back(&e);
  }
  std::vector<TrialSpec> trials;
  trials.reserve(grid.size());
  std::vector<std::size_t> pos(axes.size(), 0);
  while (true) {
    TrialSpec spec;
    for (const auto& k : known_keys()) {
      std::string v = grid.fixed_value(k.name);
      for (std::size_t a = 0; a < axes.size(); ++a) {
        if (axes[a]->key == k.name) v = axes[a]->values[pos[a]];
      }
      spec.params.emplace_back(k.name, v);
    }
    spec.trial_id = trial_id_of(spec.params);
    trials.push_back(std::move(spec));
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
