#include "results/merge.h"

#include <chrono>
#include <cmath>
#include <map>

#include "core/errors.h"
#include "core/trial_id.h"
#include "results/store.h"

namespace sweep::results {
namespace {

bool same_value(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

bool same_outcome(const TrialResult& a, const TrialResult& b) {
  return a.status == b.status && a.epochs_run == b.epochs_run &&
         same_value(a.val_loss, b.val_loss) && same_value(a.val_acc, b.val_acc) &&
         same_value(a.test_loss, b.test_loss) && same_value(a.test_acc, b.test_acc) &&
         a.confusion == b.confusion;
}

std::string describe(const TrialResult& r, const std::string& file) {
  std::string s = file + " (" + status_name(r.status);
  if (!std::isnan(r.test_acc)) s += ", test_acc " + std::to_string(r.test_acc);
  if (!std::isnan(r.val_acc)) s += ", val_acc " + std::to_string(r.val_acc);
  return s + ")";
}

struct Kept {
  StoredTrial trial;
  std::string file;
};

}  // namespace

MergeReport merge_files(const std::string& out, const std::vector<std::string>& inputs,
                        const std::string& command_line, const std::string& program_version) {
  if (file_exists(out)) throw StoreError(out + ": already exists; merge writes a new file");
  MergeReport report;
  std::vector<StoreInfo> infos;
  std::vector<std::uint64_t> order;  // first appearance
  std::map<std::uint64_t, Kept> kept;
  std::string merged_from;
  for (const auto& path : inputs) {
    Store in = Store::open_read(path);
    infos.push_back(in.info());
    std::vector<StoredTrial> trials = best_per_trial(in.read_trials());
    merged_from += path + "\t" + infos.back().shard + "\t" + std::to_string(trials.size()) + "\n";
    report.rows_read += trials.size();
    for (auto& t : trials) {
      const std::uint64_t id = t.result.trial_id;
      auto it = kept.find(id);
      if (it == kept.end()) {
        order.push_back(id);
        kept.emplace(id, Kept{std::move(t), path});
        continue;
      }
      if (same_outcome(it->second.trial.result, t.result)) {
        ++report.identical_duplicates;
        continue;
      }
      const bool replace =
          status_preference(t.result.status) < status_preference(it->second.trial.result.status);
      const std::string a = describe(it->second.trial.result, it->second.file);
      const std::string b = describe(t.result, path);
      report.conflicts.push_back("trial " + trial_id_hex(id) + ": " + a + " vs " + b + "; kept " +
                                 (replace ? path : it->second.file));
      if (replace) it->second = Kept{std::move(t), path};
    }
  }
  for (std::size_t i = 1; i < infos.size(); ++i) {
    if (infos[i].grid_text != infos[0].grid_text) {
      report.warnings.push_back(inputs[i] + " was made from a different grid file than " +
                                inputs[0]);
    }
  }
  StoreInfo info = infos.empty() ? StoreInfo{} : infos.front();
  for (const auto& i : infos) {
    if (i.parameters != info.parameters) info.parameters = "";  // mixed: no check on resume
  }
  info.shard = "";
  info.merged_from = merged_from;
  info.command_line = command_line;
  info.program_version = program_version;
  info.created_unix =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  Store dest = Store::create(out, info);
  for (std::uint64_t id : order) {
    const StoredTrial& t = kept.at(id).trial;
    dest.append(TrialSpec{id, t.params}, t.result);
    ++report.written;
  }
  return report;
}

}  // namespace sweep::results
