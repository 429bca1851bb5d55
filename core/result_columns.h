// The columns of the trials table that hold what came of a trial (every column but the grid
// keys'), each declared once: its name, type, how a file holds it, whether `sweep rank` may
// order by it and which way is better, and the line the docs give it. The protocol, the store's
// schema, its row filling and reading, export, rank and the docs' column list all walk this
// table; adding a column means a row here and the code that computes the value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/trial.h"

namespace sweep {

enum class ResultType {
  kTrialId,  // TrialResult::trial_id: uint64
  kStatus,   // TrialResult::status: its status_name, in `width` bytes
  kReal,     // a double: float64 in files
  kInt,      // an int32
  kLabel,    // a short text of few values (eval_split, device): `width` bytes in every row
  kText,     // a free text most trials share or leave empty: a number into the file's texts
             // table (format 2), `width` bytes in the row in format 1
};

// Which way `sweep rank --by` orders a column: kNone, it cannot rank.
enum class Better { kNone, kHigher, kLower };

struct ResultColumn {
  const char* name;
  ResultType type;
  std::size_t width;  // kStatus, kLabel: bytes in the row; kText: bytes in a format-1 row
  bool before_keys;   // stored and exported before the grid keys' columns (else after)
  bool metric;        // kReal measuring quality: NaN is "missing", and a file without the
                      // column reads it as NaN (others read as 0 or "")
  Better better;
  double TrialResult::*real = nullptr;           // kReal
  std::int32_t TrialResult::*integer = nullptr;  // kInt
  std::string TrialResult::*text = nullptr;      // kLabel, kText
  const char* doc = "";  // what the docs' column list says of it (after its name and type)
};

// The table, in the order of the trials table's columns (those before the keys first).
inline constexpr ResultColumn kResultColumns[] = {
    {"trial_id", ResultType::kTrialId, 0, true, false, Better::kNone, nullptr, nullptr, nullptr,
     "the trial id (print it as 16 hex digits, as sweep does)"},
    {"status", ResultType::kStatus, 16, true, false, Better::kNone, nullptr, nullptr, nullptr,
     "`ok`, `failed`, `diverged` or `pruned` (32 bytes in files of earlier versions)"},
    {"message", ResultType::kText, 256, true, false, Better::kNone, nullptr, nullptr,
     &TrialResult::message, "why a trial failed or diverged; empty when ok"},
    {"val_loss", ResultType::kReal, 0, false, true, Better::kLower, &TrialResult::val_loss, nullptr,
     nullptr,
     "final validation loss, i.e. of the best epoch; NaN when absent (as for every metric)"},
    {"val_acc", ResultType::kReal, 0, false, true, Better::kHigher, &TrialResult::val_acc, nullptr,
     nullptr, "final validation accuracy"},
    {"test_loss", ResultType::kReal, 0, false, true, Better::kLower, &TrialResult::test_loss,
     nullptr, nullptr, "final test loss"},
    {"test_acc", ResultType::kReal, 0, false, true, Better::kHigher, &TrialResult::test_acc,
     nullptr, nullptr, "final test accuracy"},
    {"macro_f1", ResultType::kReal, 0, false, true, Better::kHigher, &TrialResult::macro_f1,
     nullptr, nullptr, "macro-averaged F1 on `eval_split`"},
    {"auc", ResultType::kReal, 0, false, true, Better::kHigher, &TrialResult::auc, nullptr, nullptr,
     "ROC AUC on `eval_split`, two classes only, else NaN (NaN in older files)"},
    {"qwk", ResultType::kReal, 0, false, true, Better::kHigher, &TrialResult::qwk, nullptr, nullptr,
     "quadratic weighted kappa on `eval_split` (NaN in older files)"},
    {"ece", ResultType::kReal, 0, false, true, Better::kLower, &TrialResult::ece, nullptr, nullptr,
     "expected calibration error on `eval_split`: the images put in 15 equal-width bins of their "
     "confidence (the predicted class's probability), the mean over images of the absolute "
     "difference between their bin's accuracy and mean confidence; 0 when confidence matches "
     "accuracy (NaN in older files)"},
    {"brier", ResultType::kReal, 0, false, true, Better::kLower, &TrialResult::brier, nullptr,
     nullptr,
     "multi-class Brier score on `eval_split`: the mean over images of the summed squared "
     "differences between the class probabilities and the true class's one-hot vector, 0 to 2 "
     "(NaN in older files)"},
    {"robust_acc", ResultType::kReal, 0, false, true, Better::kHigher, &TrialResult::robust_acc,
     nullptr, nullptr,
     "mean accuracy on `eval_split` over every perturbation and level of key `robustness` (the "
     "rows of table `robustness`); NaN when it asks none (and in older files)"},
    {"best_epoch", ResultType::kInt, 0, false, false, Better::kNone, nullptr,
     &TrialResult::best_epoch, nullptr, "the epoch whose weights gave the final metrics"},
    {"checkpoint", ResultType::kText, 256, false, false, Better::kNone, nullptr, nullptr,
     &TrialResult::checkpoint,
     "the checkpoint file the trial wrote under `--keep-best`, else empty; only the K best "
     "still exist"},
    {"num_classes", ResultType::kInt, 0, false, false, Better::kNone, nullptr,
     &TrialResult::num_classes, nullptr, "the classes trained"},
    {"eval_split", ResultType::kLabel, 8, false, false, Better::kNone, nullptr, nullptr,
     &TrialResult::eval_split,
     "`test` or `val`: where F1, AUC, kappa, the confusion matrix and the mistakes come from"},
    {"epochs_run", ResultType::kInt, 0, false, false, Better::kNone, nullptr,
     &TrialResult::epochs_run, nullptr,
     "the last epoch trained: fewer than `epochs` after early stopping or pruning"},
    {"epochs_restored", ResultType::kInt, 0, false, false, Better::kNone, nullptr,
     &TrialResult::epochs_restored, nullptr,
     "epochs of this result restored from the trial's saved state rather than trained in the "
     "run that stored it (a resumed trial); 0 otherwise and in older files"},
    {"rung", ResultType::kInt, 0, false, false, Better::kNone, nullptr, &TrialResult::rung, nullptr,
     "the successive-halving rung of the row, 0 otherwise (0 in older files)"},
    {"wall_seconds", ResultType::kReal, 0, false, false, Better::kLower, &TrialResult::wall_seconds,
     nullptr, nullptr, "seconds from the trial's start to its result"},
    {"train_samples_per_s", ResultType::kReal, 0, false, false, Better::kHigher,
     &TrialResult::train_samples_per_s, nullptr, nullptr,
     "training images a second, over the epochs' training passes"},
    {"sync_seconds", ResultType::kReal, 0, false, false, Better::kNone, &TrialResult::sync_seconds,
     nullptr, nullptr,
     "with `ranks_per_trial` > 1, the seconds the group's leader waited for gradient sums and "
     "for the steps' agreements (where the members' imbalance shows); 0 otherwise and in older "
     "files"},
    {"rank", ResultType::kInt, 0, false, false, Better::kNone, nullptr, &TrialResult::rank, nullptr,
     "the MPI rank that trained it; with `ranks_per_trial` > 1, the group's leader"},
    {"threads", ResultType::kInt, 0, false, false, Better::kNone, nullptr, &TrialResult::threads,
     nullptr, "LibTorch threads it trained with"},
    {"host", ResultType::kText, 64, false, false, Better::kNone, nullptr, nullptr,
     &TrialResult::host, "the host that trained it"},
    {"device", ResultType::kLabel, 32, false, false, Better::kNone, nullptr, nullptr,
     &TrialResult::device, "where it trained: `cpu`, `cuda:0`, ..."},
    {"memory_format", ResultType::kLabel, 32, false, false, Better::kNone, nullptr, nullptr,
     &TrialResult::memory_format,
     "`contiguous` or `channels_last`: the layout it trained in, whatever the key said; empty "
     "for `noop` and in older files"},
    {"started_unix", ResultType::kReal, 0, false, false, Better::kNone, &TrialResult::started_unix,
     nullptr, nullptr, "when it started, seconds since 1970"},
    {"finished_unix", ResultType::kReal, 0, false, false, Better::kNone,
     &TrialResult::finished_unix, nullptr, nullptr, "when it finished, seconds since 1970"},
};

inline constexpr std::size_t kResultColumnCount = sizeof kResultColumns / sizeof kResultColumns[0];

// How many columns `sweep rank --by` can order by (Better other than kNone).
constexpr std::size_t rankable_column_count() {
  std::size_t n = 0;
  for (const auto& c : kResultColumns) n += c.better != Better::kNone ? 1 : 0;
  return n;
}
inline constexpr std::size_t kRankableColumnCount = rankable_column_count();

// The column named `name`, or nullptr.
const ResultColumn* find_result_column(std::string_view name);

// The value of kReal or kInt column `c` in `r` as a double; NaN for a column of another type.
double numeric_value(const ResultColumn& c, const TrialResult& r);

// The text of kLabel, kText or kStatus column `c` in `r`; "" for a column of another type.
std::string text_value(const ResultColumn& c, const TrialResult& r);

// How a results file holds column `c`, as the docs' column table says it: "float64", "int32",
// "uint64", "16 bytes" or "text number (≤256 bytes in version 1)".
std::string stored_type_text(const ResultColumn& c);

}  // namespace sweep
