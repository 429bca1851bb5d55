#include "results/store/merge.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "core/errors.h"
#include "core/trial_id.h"
#include "results/store/store.h"
#include "results/store/store_schema.h"

namespace sweep::results {
namespace {

// Trials written to the output at a time: one write per table and one flush for each batch.
constexpr std::size_t kBatch = 4096;

// What the first pass keeps of a stored copy of a trial: enough to choose between copies and
// to describe them (about 70 bytes), not the copy itself.
struct Copy {
  std::uint64_t id = 0;
  Status status = Status::kFailed;
  std::int32_t epochs_run = 0, num_classes = 0;
  double val_loss = 0, val_acc = 0, test_loss = 0, test_acc = 0, macro_f1 = 0;
  std::size_t input = 0, row = 0;
};

Copy copy_of(const TrialResult& r, std::size_t input, std::size_t row) {
  return Copy{r.trial_id,  r.status,   r.epochs_run, r.num_classes, r.val_loss, r.val_acc,
              r.test_loss, r.test_acc, r.macro_f1,   input,         row};
}

bool same_value(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

// The same outcome: status, epochs and every final metric alike (macro F1 and the class count
// stand for the confusion matrix, which the first pass does not read).
bool same_outcome(const Copy& a, const Copy& b) {
  return a.status == b.status && a.epochs_run == b.epochs_run && a.num_classes == b.num_classes &&
         same_value(a.val_loss, b.val_loss) && same_value(a.val_acc, b.val_acc) &&
         same_value(a.test_loss, b.test_loss) && same_value(a.test_acc, b.test_acc) &&
         same_value(a.macro_f1, b.macro_f1);
}

std::string describe(const Copy& c, const std::string& file) {
  std::string s = file + " (" + status_name(c.status);
  if (!std::isnan(c.test_acc)) s += ", test_acc " + std::to_string(c.test_acc);
  if (!std::isnan(c.val_acc)) s += ", val_acc " + std::to_string(c.val_acc);
  return s + ")";
}

// The best copy of each trial of `in` (as best_per_trial chooses), in the order ids first
// appear, from the trials table alone.
std::vector<Copy> best_copies(const Store& in, std::size_t input) {
  std::unordered_map<std::uint64_t, std::size_t> at;
  std::vector<Copy> best;
  in.scan_trials([&](const Store::TrialBlock& b) {
    TrialResult r;
    for (std::size_t j = 0; j < b.count; ++j) {
      if (!b.reader->read_result(b.row(j), r, false)) continue;  // left unwritten by a kill
      const Copy c = copy_of(r, input, b.first + j);
      auto [it, added] = at.emplace(c.id, best.size());
      if (added) {
        best.push_back(c);
      } else if (status_preference(c.status) <= status_preference(best[it->second].status)) {
        best[it->second] = c;
      }
    }
  });
  return best;
}

// Appends `trials` to `dest` in batches.
void append_all(Store& dest, std::vector<StoredTrial>& trials, MergeReport& report) {
  std::vector<TrialSpec> specs;
  std::vector<Store::Item> items;
  for (std::size_t first = 0; first < trials.size(); first += kBatch) {
    const std::size_t last = std::min(trials.size(), first + kBatch);
    specs.clear();
    items.clear();
    for (std::size_t i = first; i < last; ++i) {
      specs.push_back(TrialSpec{trials[i].result.trial_id, std::move(trials[i].params)});
    }
    for (std::size_t i = first; i < last; ++i) {
      items.push_back({&specs[i - first], &trials[i].result});
    }
    dest.append(items);
    report.written += items.size();
  }
}

}  // namespace

MergeReport merge_files(const std::string& out, const std::vector<std::string>& inputs,
                        const std::string& command_line, const std::string& program_version) {
  if (file_exists(out)) throw StoreError(out + ": already exists; merge writes a new file");
  MergeReport report;
  std::vector<StoreInfo> infos;
  std::unordered_map<std::uint64_t, Copy> kept;
  std::string merged_from;
  // First pass: which copy of each trial to keep, from the trials tables only.
  for (std::size_t input = 0; input < inputs.size(); ++input) {
    const std::string& path = inputs[input];
    const Store in = Store::open_read(path);
    infos.push_back(in.info());
    const std::vector<Copy> best = best_copies(in, input);
    merged_from += path + "\t" + infos.back().shard + "\t" + std::to_string(best.size()) + "\n";
    report.rows_read += best.size();
    for (const Copy& c : best) {
      auto [it, added] = kept.emplace(c.id, c);
      if (added) continue;
      if (same_outcome(it->second, c)) {
        ++report.identical_duplicates;
        continue;
      }
      const bool replace = status_preference(c.status) < status_preference(it->second.status);
      const std::string& kept_file = replace ? path : inputs[it->second.input];
      report.conflicts.push_back("trial " + trial_id_hex(c.id) + ": " +
                                 describe(it->second, inputs[it->second.input]) + " vs " +
                                 describe(c, path) + "; kept " + kept_file);
      if (replace) it->second = c;
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
  // Second pass: the kept copies, whole, input by input in row order, a batch at a time.
  std::vector<std::vector<std::size_t>> rows(inputs.size());
  for (const auto& [id, c] : kept) rows[c.input].push_back(c.row);
  kept.clear();
  Store dest = Store::create(out, info);
  for (std::size_t input = 0; input < inputs.size(); ++input) {
    std::sort(rows[input].begin(), rows[input].end());
    const Store in = Store::open_read(inputs[input]);
    if (in.details_by_row()) {
      in.read_whole_rows(rows[input], kBatch,
                         [&](std::vector<StoredTrial>& batch) { append_all(dest, batch, report); });
      continue;
    }
    // A file of sweep 0.1: details by trial id, read whole (such files are small).
    std::unordered_set<std::uint64_t> ids;
    for (const StoredTrial& t : in.read_trial_rows(rows[input])) ids.insert(t.result.trial_id);
    std::vector<StoredTrial> picked;
    for (StoredTrial& t : best_per_trial(in.read_trials())) {
      if (ids.count(t.result.trial_id) > 0) picked.push_back(std::move(t));
    }
    append_all(dest, picked, report);
  }
  return report;
}

}  // namespace sweep::results
