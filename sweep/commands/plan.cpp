#include "sweep/commands/plan.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/errors.h"
#include "core/keys.h"
#include "core/trial_id.h"
#include "sweep/data/cache_loader.h"
#include "sweep/search/asha_work.h"
#include "sweep/search/scheduler.h"
#include "worker/data_source.h"
#include "worker/worker.h"

namespace sweep {

Plan make_plan(const std::string& grid_path,
               const std::vector<std::pair<std::string, std::string>>& overrides) {
  Plan p;
  p.grid = read_grid_file(grid_path);
  apply_overrides(p.grid, overrides);
  check_consistency(p.grid);
  p.trials = expand(p.grid);
  const bool all_noop = std::all_of(p.trials.begin(), p.trials.end(),
                                    [](const TrialSpec& t) { return t.get("model") == "noop"; });
  try {
    const worker::DataKey key = worker::data_key_of(p.trials.front());
    if (all_noop) {
      p.data.description = "none (model = noop loads no data)";
    } else {
      p.data = key.dataset == "hdf5" ? probe_cache(key.cache) : worker::probe_data(key);
    }
  } catch (const DataError& e) {
    throw DataError(grid_path + ": data set: " + e.what());
  }
  for (const auto& t : p.trials) {
    try {
      worker::check_trial_settings(t, p.data);
    } catch (const std::invalid_argument& e) {
      throw GridError(grid_path + ": trial " + trial_id_hex(t.trial_id) + ": " + e.what());
    }
  }
  double lo = 0;
  for (const auto& t : p.trials) {
    double c = estimate_cost(t, p.data);
    p.costs.push_back(c);
    lo = lo == 0 ? c : std::min(lo, c);
  }
  for (double& c : p.costs) c = lo > 0 ? c / lo : 1.0;
  return p;
}

namespace {
std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}
}  // namespace

std::string parameter_set(const Grid& grid) {
  std::vector<std::string> names;
  for (const auto& e : grid.entries) {
    const KeySpec* k = find_key(e.key);
    if (k != nullptr && k->in_id && e.key != "dataset") names.push_back(e.key);
  }
  std::sort(names.begin(), names.end());
  std::string s = "dataset=" + grid.fixed_value("dataset") + "; keys:";
  for (const auto& n : names) s += " " + n;
  return s;
}

void check_parameter_set(const std::string& path, const std::string& in_file,
                         const std::string& in_grid) {
  if (in_file.empty() || in_file == in_grid) return;
  throw GridError(path + ": written for a different parameter set, not resumed or changed\n" +
                  "  the file: " + in_file + "\n  this grid: " + in_grid +
                  "\n  (adding values to a key is fine; a different data set or a key added or "
                  "removed is another sweep: choose another --out)");
}

Target resolve_target(const CliCommand& cmd, const EnvLookup& env) {
  Target t;
  t.shard = resolve_shard(cmd.shard, env);
  t.out = !cmd.out.empty() ? cmd.out : default_out_path(cmd.grid, t.shard ? t.shard->tag() : "");
  return t;
}

std::vector<std::size_t> shard_members(const Plan& plan, const std::optional<Shard>& shard) {
  std::vector<std::size_t> out;
  const std::vector<int> of = shard ? assign_shards(plan.costs, shard->count) : std::vector<int>();
  for (std::size_t i = 0; i < plan.trials.size(); ++i) {
    if (!shard || of[i] == shard->index) out.push_back(i);
  }
  return out;
}

std::string describe_plan(const Plan& plan, const Target& target,
                          const std::vector<std::size_t>& order, std::size_t skipped,
                          std::size_t show) {
  std::ostringstream os;
  os << "grid " << plan.grid.path << ": " << plan.trials.size() << " trials";
  const SearchSettings& search = plan.grid.search;
  if (search.method == SearchSettings::Method::kRandom) {
    os << " (random search: " << search.samples << " samples asked, search_seed " << search.seed
       << ")";
  } else if (search.method == SearchSettings::Method::kAsha) {
    os << " (successive halving (asha): " << search.samples << " configurations asked, search_seed "
       << search.seed << ", rungs at";
    for (int e : rung_epochs(asha_settings(search, plan.trials.size()))) os << " " << e;
    os << " epochs, reduction factor " << search.reduction_factor
       << "; costs below are for max_epochs)";
  }
  for (const auto& e : plan.grid.entries) {
    if (e.dist) {
      os << " " << e.key << "~" << e.dist->text;
    } else if (e.axis) {
      os << " " << e.key << "(" << e.values.size() << ")";
    }
  }
  os << "\ndata: " << plan.data.description << " — " << plan.data.train_count << " training, "
     << plan.data.test_count << " test images of " << plan.data.channels << "x" << plan.data.rows
     << "x" << plan.data.cols << "\n";
  if (target.shard) {
    const std::vector<std::size_t> members = shard_members(plan, target.shard);
    double mine = 0, all = 0;
    for (std::size_t i : members) mine += plan.costs[i];
    for (double c : plan.costs) all += c;
    os << "shard " << target.shard->index + 1 << " of " << target.shard->count << " ("
       << target.shard->source << "): " << members.size() << " trials, "
       << pct(all > 0 ? 100 * mine / all : 0) << "% of the estimated cost\n";
  }
  os << "results file: " << target.out << "\n";
  double total = 0;
  for (std::size_t i : order) total += plan.costs[i];
  os << "to run: " << order.size() << " trials (" << skipped << " already done, skipped); "
     << "total estimated cost " << total << " x the cheapest trial\n";
  std::vector<const GridEntry*> axes;
  for (const auto& e : plan.grid.entries) {
    if (e.axis) axes.push_back(&e);
  }
  const std::size_t n = std::min(show, order.size());
  if (n > 0) os << "first " << n << " in run order (longest first):\n";
  for (std::size_t j = 0; j < n; ++j) {
    const TrialSpec& t = plan.trials[order[j]];
    char cost[32];
    std::snprintf(cost, sizeof cost, "%6.2fx", plan.costs[order[j]]);
    os << "  " << trial_id_hex(t.trial_id) << "  cost " << cost;
    for (const auto* a : axes) os << "  " << a->key << "=" << t.get(a->key);
    os << "\n";
  }
  return os.str();
}

}  // namespace sweep
