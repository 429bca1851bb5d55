#include "results/report/report_data.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/trial_id.h"
#include "results/analysis/analysis.h"
#include "results/analysis/rank.h"

namespace sweep::results {
namespace {

using nlohmann::ordered_json;

// A number, or null when it is missing.
ordered_json num(double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); }

ordered_json file_entry(const ReportSource& s) {
  return {{"path", s.path},
          {"shard", s.info.shard},
          {"grid", s.info.grid_path},
          {"dataset", s.info.dataset},
          {"version", s.info.program_version},
          {"created_unix", num(s.info.created_unix)},
          {"rows", s.trials.size()}};
}

ordered_json trial_entry(const StoredTrial& t, const std::vector<std::string>& keys,
                         const std::string& metric) {
  const TrialResult& r = t.result;
  ordered_json params = ordered_json::object();
  for (const auto& k : keys) params[k] = t.param(k);
  return {{"id", trial_id_hex(r.trial_id)},
          {"status", status_name(r.status)},
          {"message", r.message},
          {"params", params},
          {"metric", num(r.status == Status::kOk ? metric_value(r, metric) : NAN)},
          {"val_acc", num(r.val_acc)},
          {"test_acc", num(r.test_acc)},
          {"macro_f1", num(r.macro_f1)},
          {"val_loss", num(r.val_loss)},
          {"test_loss", num(r.test_loss)},
          {"epochs", r.epochs_run},
          {"seconds", num(r.wall_seconds)},
          {"threads", r.threads}};
}

ordered_json summary(const std::vector<StoredTrial>& trials) {
  std::size_t ok = 0, failed = 0, diverged = 0, pruned = 0;
  double seconds = 0, core_seconds = 0;
  long long epochs = 0;
  for (const auto& t : trials) {
    ok += t.result.status == Status::kOk;
    failed += t.result.status == Status::kFailed;
    diverged += t.result.status == Status::kDiverged;
    pruned += t.result.status == Status::kPruned;
    seconds += t.result.wall_seconds;
    core_seconds += t.result.wall_seconds * std::max(1, t.result.threads);
    epochs += t.result.epochs_run;
  }
  return {{"trials", trials.size()},      {"ok", ok},         {"failed", failed},
          {"diverged", diverged},         {"pruned", pruned}, {"trial_seconds", seconds},
          {"core_seconds", core_seconds}, {"epochs", epochs}};
}

// Every stored row as a bar of the timeline: which file, host and rank ran it (a group's
// leader, ranks_per_trial > 1, with the group's size), from when to when (seconds since the
// earliest start).
ordered_json timeline(const std::vector<ReportSource>& sources) {
  double t0 = std::numeric_limits<double>::infinity();
  for (const auto& s : sources) {
    for (const auto& t : s.trials) {
      if (t.result.started_unix > 0) t0 = std::min(t0, t.result.started_unix);
    }
  }
  ordered_json bars = ordered_json::array();
  for (std::size_t f = 0; f < sources.size(); ++f) {
    for (const auto& t : sources[f].trials) {
      const TrialResult& r = t.result;
      if (!(r.started_unix > 0) || r.finished_unix < r.started_unix) continue;
      std::string lane = r.host + " rank " + std::to_string(r.rank);
      const std::string group = t.param("ranks_per_trial");  // "" in files of earlier versions
      const int ranks = group.empty() ? 1 : std::stoi(group);
      if (ranks > 1) lane += " (group of " + group + ")";
      if (sources.size() > 1) lane = sources[f].path + ": " + lane;
      bars.push_back({{"lane", lane},
                      {"ranks", ranks},
                      {"id", trial_id_hex(r.trial_id)},
                      {"status", status_name(r.status)},
                      {"start", r.started_unix - t0},
                      {"end", r.finished_unix - t0}});
    }
  }
  return {{"start_unix", num(t0)}, {"bars", bars}};
}

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") + 1 - b);
}

// The `key = value` lines of a grid text: (section, key, value), comments dropped.
std::vector<std::array<std::string, 3>> grid_lines(const std::string& text) {
  std::vector<std::array<std::string, 3>> out;
  std::string section;
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    at = end + 1;
    line = trimmed(line.substr(0, line.find_first_of("#;")));
    if (line.size() > 1 && line.front() == '[' && line.back() == ']') {
      section = trimmed(line.substr(1, line.size() - 2));
      continue;
    }
    const auto eq = line.find('=');
    if (eq != std::string::npos) {
      out.push_back({section, trimmed(line.substr(0, eq)), trimmed(line.substr(eq + 1))});
    }
  }
  return out;
}

// The swept keys that some file's grid samples log-uniformly: drawn on log axes.
ordered_json log_keys(const std::vector<ReportSource>& sources,
                      const std::vector<std::string>& keys) {
  std::set<std::string> found;
  for (const auto& s : sources) {
    for (const auto& [section, key, value] : grid_lines(s.info.grid_text)) {
      if (value.rfind("loguniform(", 0) == 0 &&
          std::find(keys.begin(), keys.end(), key) != keys.end()) {
        found.insert(key);
      }
    }
  }
  return ordered_json(std::vector<std::string>(found.begin(), found.end()));
}

// The search as it went: each trial (its best row) in the order it finished, with the metric,
// the time since the first start and, for search = tpe, whether it started after the startup
// phase (once startup_trials had finished: the model suggested it) or in it (drawn at random).
ordered_json history(const std::vector<ReportSource>& sources,
                     const std::vector<StoredTrial>& trials, const std::string& metric) {
  std::string search = "grid";
  long long startup = 10;
  for (const auto& s : sources) {
    for (const auto& [section, key, value] : grid_lines(s.info.grid_text)) {
      if (!section.empty()) continue;
      if (key == "search") search = value;
      if (key == "startup_trials") startup = std::atoll(value.c_str());
    }
  }
  std::vector<const StoredTrial*> done;
  double t0 = std::numeric_limits<double>::infinity();
  for (const auto& t : trials) {
    if (t.result.started_unix > 0 && t.result.finished_unix >= t.result.started_unix) {
      done.push_back(&t);
      t0 = std::min(t0, t.result.started_unix);
    }
  }
  std::stable_sort(done.begin(), done.end(), [](const StoredTrial* a, const StoredTrial* b) {
    return a->result.finished_unix < b->result.finished_unix;
  });
  std::vector<double> ends;
  for (const StoredTrial* t : done) ends.push_back(t->result.finished_unix);
  ordered_json points = ordered_json::array();
  for (const StoredTrial* t : done) {
    const TrialResult& r = t->result;
    ordered_json p = {{"id", trial_id_hex(r.trial_id)},
                      {"status", status_name(r.status)},
                      {"end", r.finished_unix - t0},
                      {"metric", num(r.status == Status::kOk ? metric_value(r, metric) : NAN)}};
    if (search == "tpe") {
      const auto finished_before = static_cast<long long>(
          std::upper_bound(ends.begin(), ends.end(), r.started_unix) - ends.begin());
      p["phase"] = finished_before >= std::max(startup, 1LL) ? "model" : "startup";
    }
    points.push_back(p);
  }
  return {{"search", search},
          {"startup_trials", search == "tpe" ? ordered_json(startup) : ordered_json(nullptr)},
          {"points", points}};
}

// Every epoch row of each trial over all its stored rows (the rungs of successive halving
// each hold their own epochs), a later row's epoch replacing an earlier one's.
using EpochsById = std::map<std::uint64_t, std::map<int, EpochMetrics>>;

EpochsById all_epochs(const std::vector<ReportSource>& sources) {
  EpochsById out;
  for (const auto& s : sources) {
    for (const auto& t : s.trials) {
      for (const auto& e : t.result.epochs) out[t.result.trial_id][e.epoch] = e;
    }
  }
  return out;
}

ordered_json curves(std::uint64_t id, const std::map<int, EpochMetrics>& epochs) {
  ordered_json c = {{"id", trial_id_hex(id)}};
  for (const char* f : {"epoch", "train_loss", "train_acc", "val_loss", "val_acc"}) {
    c[f] = ordered_json::array();
  }
  for (const auto& [n, e] : epochs) {
    c["epoch"].push_back(e.epoch);
    c["train_loss"].push_back(num(e.train_loss));
    c["train_acc"].push_back(num(e.train_acc));
    c["val_loss"].push_back(num(e.val_loss));
    c["val_acc"].push_back(num(e.val_acc));
  }
  return c;
}

ordered_json confusion(const StoredTrial& t) {
  const TrialResult& r = t.result;
  const auto n = static_cast<std::size_t>(std::max(0, r.num_classes));
  if (n == 0 || r.confusion.size() != n * n) return nullptr;
  ordered_json m = ordered_json::array();
  for (std::size_t i = 0; i < n; ++i) {
    m.push_back(ordered_json(
        std::vector<std::int64_t>(r.confusion.begin() + i * n, r.confusion.begin() + (i + 1) * n)));
  }
  return {{"id", trial_id_hex(r.trial_id)}, {"split", r.eval_split}, {"matrix", m}};
}

// `t`'s robustness points grouped by perturbation (levels and accuracies in the order stored),
// with its clean accuracy on the same split; null when it has none.
ordered_json robustness(const StoredTrial& t) {
  const TrialResult& r = t.result;
  if (r.robustness.empty()) return nullptr;
  ordered_json lines = ordered_json::array();
  for (const RobustnessPoint& x : r.robustness) {
    if (lines.empty() || lines.back()["name"] != x.perturbation) {
      lines.push_back({{"name", x.perturbation},
                       {"level", ordered_json::array()},
                       {"accuracy", ordered_json::array()}});
    }
    lines.back()["level"].push_back(x.level);
    lines.back()["accuracy"].push_back(num(x.accuracy));
  }
  return {{"id", trial_id_hex(r.trial_id)},
          {"split", r.eval_split},
          {"clean", num(r.eval_split == "test" ? r.test_acc : r.val_acc)},
          {"robust_acc", num(r.robust_acc)},
          {"perturbations", lines}};
}

// `t`'s activation layers (key dead_units) as columns; null when it has none.
ordered_json activations(const StoredTrial& t) {
  const TrialResult& r = t.result;
  if (r.activations.empty()) return nullptr;
  ordered_json layers = ordered_json::array(), units = ordered_json::array(),
               dead = ordered_json::array();
  for (const ActivationLayer& a : r.activations) {
    layers.push_back(a.layer);
    units.push_back(a.units);
    dead.push_back(num(a.dead_fraction));
  }
  return {{"id", trial_id_hex(r.trial_id)},
          {"split", r.eval_split},
          {"layer", layers},
          {"units", units},
          {"dead_fraction", dead}};
}

// `t`'s reliability diagram (its confidence bins holding rows); null when it has none stored.
ordered_json reliability(const StoredTrial& t) {
  const TrialResult& r = t.result;
  if (r.calibration.empty()) return nullptr;
  ordered_json confidence = ordered_json::array(), accuracy = ordered_json::array(),
               rows = ordered_json::array();
  for (const CalibrationBin& b : r.calibration) {
    confidence.push_back(num(b.mean_confidence));
    accuracy.push_back(num(b.accuracy));
    rows.push_back(b.rows);
  }
  return {{"id", trial_id_hex(r.trial_id)}, {"split", r.eval_split}, {"ece", num(r.ece)},
          {"confidence", confidence},       {"accuracy", accuracy},  {"rows", rows}};
}

// The gallery of `t`'s stored mistakes: each with its image when `images` gives them.
ordered_json gallery(const StoredTrial& t, const ReportOptions& options) {
  const TrialResult& r = t.result;
  MistakeImages found;
  if (r.mistakes.empty()) {
    found.note =
        "No mistakes stored for this trial (none made, the key mistakes = 0, or a file "
        "written before mistakes were stored).";
  } else if (options.mistake_images) {
    found = options.mistake_images(t);
  } else {
    found.note = "Images not read.";
  }
  ordered_json items = ordered_json::array();
  for (std::size_t i = 0; i < r.mistakes.size(); ++i) {
    const Mistake& m = r.mistakes[i];
    items.push_back({{"row", m.row},
                     {"true", m.true_label},
                     {"predicted", m.predicted},
                     {"probability", m.probability},
                     {"image", i < found.images.size() ? ordered_json(found.images[i])
                                                       : ordered_json(nullptr)}});
  }
  return {{"id", trial_id_hex(r.trial_id)},
          {"split", r.eval_split},
          {"note", found.note},
          {"items", items}};
}

}  // namespace

std::string report_json(const std::vector<ReportSource>& sources, const ReportOptions& options) {
  std::vector<StoredTrial> all;
  ordered_json files = ordered_json::array();
  std::string names;
  for (const auto& s : sources) {
    all.insert(all.end(), s.trials.begin(), s.trials.end());
    files.push_back(file_entry(s));
    names += (names.empty() ? "" : ", ") + s.path;
  }
  const std::vector<StoredTrial> trials = best_per_trial(std::move(all));
  const auto [metric, higher] = resolve_metric(trials, options.by);
  const std::vector<std::string> keys = swept_keys(trials);

  std::vector<const StoredTrial*> ranked;
  for (const auto& t : trials) {
    if (t.result.status == Status::kOk && std::isfinite(metric_value(t.result, metric))) {
      ranked.push_back(&t);
    }
  }
  std::sort(ranked.begin(), ranked.end(), [&, higher = higher, &metric = metric](auto* a, auto* b) {
    return ranks_before(a->result, b->result, metric, higher);
  });

  ordered_json doc;
  doc["title"] = options.title.empty() ? "sweep report: " + names : options.title;
  doc["generated_unix"] = options.generated_unix;
  doc["files"] = files;
  doc["metric"] = {{"name", metric},
                   {"higher_is_better", higher},
                   {"selection_note", selection_note(trials, metric)},
                   {"on_test", selects_on_test(trials, metric)}};
  doc["summary"] = summary(trials);
  doc["keys"] = keys;
  doc["log_keys"] = log_keys(sources, keys);
  doc["trials"] = ordered_json::array();
  for (const auto& t : trials) doc["trials"].push_back(trial_entry(t, keys, metric));
  doc["best"] = ranked.empty() ? ordered_json(nullptr) : trial_entry(*ranked[0], keys, metric);
  doc["top"] = ordered_json::array();
  for (std::size_t i = 0; i < std::min(options.top, ranked.size()); ++i) {
    doc["top"].push_back(trial_id_hex(ranked[i]->result.trial_id));
  }
  doc["effects"] = ordered_json::object();
  for (const auto& k : keys) {
    ordered_json values = ordered_json::array();
    for (const auto& g : group_stats(trials, k, metric, higher)) {
      values.push_back({{"value", g.value},
                        {"trials", g.trials},
                        {"ranked", g.ranked},
                        {"best", num(g.best)},
                        {"mean", num(g.mean)},
                        {"sd", num(g.sd)}});
    }
    doc["effects"][k] = values;
  }
  doc["importance"] = ordered_json::array();
  for (const auto& imp : importance(trials, keys, metric)) {
    doc["importance"].push_back({{"key", imp.key}, {"share", imp.share}});
  }
  doc["curves"] = ordered_json::array();
  const EpochsById epochs = all_epochs(sources);
  for (std::size_t i = 0; i < std::min(options.curves, ranked.size()); ++i) {
    auto it = epochs.find(ranked[i]->result.trial_id);
    if (it != epochs.end()) doc["curves"].push_back(curves(it->first, it->second));
  }
  doc["robustness"] = ordered_json::array();
  for (std::size_t i = 0; i < std::min(options.curves, ranked.size()); ++i) {
    ordered_json points = robustness(*ranked[i]);
    if (!points.is_null()) doc["robustness"].push_back(std::move(points));
  }
  doc["calibration"] = ordered_json::array();
  for (std::size_t i = 0; i < std::min(options.curves, ranked.size()); ++i) {
    ordered_json bins = reliability(*ranked[i]);
    if (!bins.is_null()) doc["calibration"].push_back(std::move(bins));
  }
  doc["activations"] = ordered_json::array();
  for (std::size_t i = 0; i < std::min(options.curves, ranked.size()); ++i) {
    ordered_json layers = activations(*ranked[i]);
    if (!layers.is_null()) doc["activations"].push_back(std::move(layers));
  }
  doc["confusion"] = ranked.empty() ? ordered_json(nullptr) : confusion(*ranked[0]);
  doc["mistakes"] = ordered_json::array();
  for (std::size_t i = 0; i < std::min(options.galleries, ranked.size()); ++i) {
    doc["mistakes"].push_back(gallery(*ranked[i], options));
  }
  doc["timeline"] = timeline(sources);
  doc["history"] = history(sources, trials, metric);
  return doc.dump();
}

}  // namespace sweep::results
