// `sweep export`: the trials of results files as CSV or JSON for pandas, R or a spreadsheet.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "results/store/store.h"

namespace sweep::results {

enum class ExportFormat { kCsv, kJson };

// What an export holds besides each trial's row: nothing, its epochs (--curves), its
// robustness points (--robustness, table robustness), its activation layers (--activations) or
// its confidence bins (--calibration).
enum class ExportRows { kTrials, kEpochs, kRobustness, kActivations, kCalibration };

// "csv" or "json" to the format. Throws UsageError naming --format otherwise.
ExportFormat parse_export_format(const std::string& name);

// The trials (one row per trial id, its best row; see best_per_trial) as text. Columns, in
// order: trial_id (16 hex digits, as sweep prints it), status, message, every grid key, the
// final metrics, then where and when it ran; a missing metric is empty (CSV) or null (JSON).
// With kEpochs, CSV has one row per trial and epoch instead (trial_id, epoch, train_loss,
// train_acc, val_loss, val_acc, seconds) and each JSON trial gets an "epochs" array; with
// kRobustness, one row per trial, perturbation and level (trial_id, split, perturbation, level,
// accuracy, macro_f1) and a "robustness" array; with kActivations, one row per trial and layer
// (trial_id, split, layer, units, dead_fraction) and an "activations" array; with kCalibration,
// one row per trial and bin (trial_id, split, bin, rows, mean_confidence, accuracy) and a
// "calibration" array.
std::string export_trials(const std::vector<StoredTrial>& trials, ExportFormat format,
                          ExportRows rows);

// export_trials of the trials of `files` (in that order), written to `out` as they are read:
// with kTrials the files are read twice, first the ids and statuses, then the rows kept a
// block at a time, so that memory stays bounded (about 100 bytes a trial) whatever the files'
// size; with details too (the kept rows are read with their details through forward readers),
// except when a retried trial's kept copy comes before an earlier one in the output, or for
// files of sweep 0.1: then every trial and its details are read first. Throws StoreError.
void export_files(const std::vector<std::string>& files, ExportFormat format, ExportRows rows,
                  std::ostream& out);

}  // namespace sweep::results
