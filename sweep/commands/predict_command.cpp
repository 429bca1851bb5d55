// `sweep predict`: applies a kept checkpoint to a data set, prints its metrics and writes the
// predictions as CSV.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "core/errors.h"
#include "core/robustness.h"
#include "core/trial_id.h"
#include "results/analysis/rank.h"
#include "results/store/store.h"
#include "sweep/cli/whole_file.h"
#include "sweep/commands/commands.h"
#include "sweep/commands/kept_checkpoints.h"
#include "sweep/data/cache_loader.h"
#include "worker/predict/predict.h"
#include "worker/worker.h"

namespace sweep {
namespace {

// The checkpoint of the best kept trial of results file `path`: the trial with the best
// val_acc (else test_acc) whose file is in PATH.checkpoints/. Throws UsageError when none is.
std::string best_kept_checkpoint(const std::string& path) {
  results::Store store = results::Store::open_read(path);
  const std::string dir = checkpoint_dir_of(path);
  std::string best;
  double best_score = -1;
  std::uint64_t best_id = 0;
  for (const auto& t : store.read_trials(results::Store::Details::kNone)) {
    const TrialResult& r = t.result;
    if (r.status != Status::kOk || r.checkpoint.empty()) continue;
    const std::string file = checkpoint_path(dir, r.trial_id);
    if (!std::filesystem::is_regular_file(file)) continue;
    double s = std::isnan(r.val_acc) ? r.test_acc : r.val_acc;
    if (std::isnan(s)) s = 0;
    if (best.empty() || s > best_score || (s == best_score && r.trial_id < best_id)) {
      best = file;
      best_score = s;
      best_id = r.trial_id;
    }
  }
  if (best.empty()) {
    throw UsageError("--from " + path + ": no kept checkpoint in " + dir +
                     " (run the sweep with --keep-best K)");
  }
  return best;
}

std::string fmt(double v, int digits = 4) {
  if (std::isnan(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string confusion_text(const worker::Predictions& p) {
  std::ostringstream out;
  out << "confusion (rows: true label, columns: predicted)\n      ";
  for (std::int64_t j = 0; j < p.classes; ++j)
    out << " " << std::string(6 - std::min<std::size_t>(6, std::to_string(j).size()), ' ') << j;
  out << "\n";
  for (std::int64_t i = 0; i < p.classes; ++i) {
    std::string head = std::to_string(i);
    out << std::string(6 - std::min<std::size_t>(6, head.size()), ' ') << head;
    for (std::int64_t j = 0; j < p.classes; ++j) {
      const std::string v = std::to_string(p.confusion[i * p.classes + j]);
      out << " " << std::string(6 - std::min<std::size_t>(6, v.size()), ' ') << v;
    }
    out << "\n";
  }
  return out.str();
}

std::string predictions_csv(const worker::Predictions& p) {
  std::string out = p.labels.empty() ? "ImageId,Label\n" : "ImageId,Label,Confidence,TrueLabel\n";
  char buf[96];
  for (std::size_t i = 0; i < p.predicted.size(); ++i) {
    if (p.labels.empty()) {
      std::snprintf(buf, sizeof buf, "%zu,%lld\n", i + 1, static_cast<long long>(p.predicted[i]));
    } else {
      std::snprintf(buf, sizeof buf, "%zu,%lld,%.6f,%lld\n", i + 1,
                    static_cast<long long>(p.predicted[i]), p.confidence[i],
                    static_cast<long long>(p.labels[i]));
    }
    out += buf;
  }
  return out;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// An image cache (*.h5) is read here and its test split predicted (its validation split, else
// its training split, when it has no test split); anything else the worker reads.
worker::Predictions predict_on(const std::string& checkpoint, const std::string& data,
                               std::int64_t mistakes,
                               const std::vector<RobustnessCheck>& robustness) {
  if (!ends_with(data, ".h5")) {
    return worker::predict_data(checkpoint, data, mistakes, robustness);
  }
  const worker::SplitImages s = load_split_images(data);
  const bool test = s.test.count > 0, val = s.val.count > 0;
  const worker::RawImages& raw = test ? s.test : val ? s.val : s.train;
  const std::string split = test ? "test" : val ? "validation" : "training";
  return worker::predict_images(
      checkpoint, raw, "image cache " + data + ", its " + split + " split", mistakes, robustness);
}

// "mistake-03-row-1234.png": the file of the `rank`-th (from 1) mistake, of image row `row`.
std::string mistake_file(std::size_t rank, std::int64_t row) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "mistake-%02zu-row-%lld.png", rank, static_cast<long long>(row));
  return buf;
}

// Writes DIR/predictions.csv, DIR/mistakes.csv and one PNG per mistake (--mistakes N -o DIR).
void write_mistakes(const std::string& dir, const worker::Predictions& p) {
  std::filesystem::create_directories(dir);
  write_whole_file(dir + "/predictions.csv", predictions_csv(p));
  std::string csv = "rank,row,image_id,true_label,predicted,probability,file\n";
  for (std::size_t i = 0; i < p.mistakes.size(); ++i) {
    const Mistake& m = p.mistakes[i];
    const std::string file = mistake_file(i + 1, m.row);
    const std::vector<std::uint8_t>& png = p.mistake_pngs[i];
    write_whole_file(dir + "/" + file, std::string(png.begin(), png.end()));
    char buf[160];
    std::snprintf(buf, sizeof buf, "%zu,%lld,%lld,%d,%d,%.17g,%s\n", i + 1,
                  static_cast<long long>(m.row), static_cast<long long>(m.row + 1), m.true_label,
                  m.predicted, m.probability, file.c_str());
    csv += buf;
  }
  write_whole_file(dir + "/mistakes.csv", csv);
}

// Writes DIR/robustness.csv (--robustness LIST -o DIR): a row per perturbation and level.
void write_robustness(const std::string& dir, const worker::Predictions& p) {
  std::filesystem::create_directories(dir);
  std::string csv = "perturbation,level,accuracy,macro_f1\n";
  for (const RobustnessPoint& x : p.robustness) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s,%.17g,%.17g,%.17g\n", x.perturbation.c_str(), x.level,
                  x.accuracy, x.macro_f1);
    csv += buf;
  }
  write_whole_file(dir + "/robustness.csv", csv);
}

}  // namespace

int predict_command(const CliCommand& cmd) {
  const std::string checkpoint = cmd.model.empty() ? best_kept_checkpoint(cmd.from) : cmd.model;
  // --threads: the trial's own count reproduces its stored metrics to the last digit.
  if (cmd.threads > 0) worker::configure_runtime(cmd.threads);
  const std::vector<RobustnessCheck> checks =
      cmd.robustness.empty() ? std::vector<RobustnessCheck>{} : parse_robustness(cmd.robustness);
  const worker::Predictions p = predict_on(checkpoint, cmd.data, cmd.mistakes, checks);
  if (cmd.mistakes > 0 && p.labels.empty()) {
    throw DataError(cmd.data + ": has no labels, so no prediction can be called a mistake");
  }
  std::cout << "model: " << checkpoint << " (trial " << trial_id_hex(p.trial_id) << ", epoch "
            << p.epoch << ", validation accuracy " << fmt(p.val_acc) << ")\n";
  std::cout << "normalization: " << p.normalization << " (pixels on the 0-1 scale)\n";
  std::cout << "memory format: " << p.memory_format << "\n";
  std::cout << "data: " << p.source << ", " << p.predicted.size() << " images, "
            << (p.labels.empty() ? "no labels" : "labelled") << "\n";
  if (!p.labels.empty()) {
    std::cout << "accuracy " << fmt(p.accuracy) << "  macro F1 " << fmt(p.macro_f1);
    if (p.classes == 2) std::cout << "  ROC AUC " << fmt(p.auc);
    if (p.classes > 2) std::cout << "  quadratic weighted kappa " << fmt(p.qwk);
    std::cout << "\n" << confusion_text(p);
  }
  if (cmd.mistakes > 0) {
    write_mistakes(cmd.out, p);
    std::cout << "mistakes: the " << p.mistakes.size() << " most confident in " << cmd.out
              << "/mistakes.csv with their images; predictions in " << cmd.out
              << "/predictions.csv\n";
  }
  if (!checks.empty()) {
    if (cmd.mistakes == 0) {
      std::filesystem::create_directories(cmd.out);
      write_whole_file(cmd.out + "/predictions.csv", predictions_csv(p));
    }
    write_robustness(cmd.out, p);
    std::cout << "robustness (accuracy per perturbation and level):\n";
    for (const RobustnessPoint& x : p.robustness) {
      std::cout << "  " << x.perturbation << " " << x.level << ": " << fmt(x.accuracy) << "\n";
    }
    std::cout << "robustness: " << p.robustness.size() << " rows in " << cmd.out
              << "/robustness.csv\n";
  } else if (cmd.mistakes == 0 && !cmd.out.empty()) {
    write_whole_file(cmd.out, predictions_csv(p));
    std::cout << "predictions: " << cmd.out
              << (p.labels.empty() ? " (ImageId,Label: the Kaggle submission format)" : "") << "\n";
  }
  std::cout << std::flush;
  return kExitOk;
}

}  // namespace sweep
