#include "results/store_schema.h"

#include "core/keys.h"

namespace sweep::results {
namespace {

Column col(const std::string& name, ColType t, std::size_t len = 0) { return {name, t, len, 0}; }

RowLayout build_trials() {
  std::vector<Column> c = {col("trial_id", ColType::kU64), col("status", ColType::kStr, kShortLen),
                           col("message", ColType::kStr, kMessageLen)};
  for (const auto& k : known_keys()) {
    if (!k.column) continue;
    switch (k.type) {
      case KeyType::kInt:
        c.push_back(col(k.name, ColType::kI64));
        break;
      case KeyType::kFloat:
        c.push_back(col(k.name, ColType::kF64));
        break;
      case KeyType::kChoice:
        c.push_back(col(k.name, ColType::kStr, kShortLen));
        break;
      case KeyType::kString:
        c.push_back(col(k.name, ColType::kStr, kPathLen));
        break;
      case KeyType::kFloatList:
        c.push_back(col(k.name, ColType::kStr, kListLen));
        break;
    }
  }
  for (const char* m : {"val_loss", "val_acc", "test_loss", "test_acc", "macro_f1", "auc", "qwk"}) {
    c.push_back(col(m, ColType::kF64));
  }
  c.push_back(col("best_epoch", ColType::kI32));
  c.push_back(col("checkpoint", ColType::kStr, kPathLen));
  c.push_back(col("num_classes", ColType::kI32));
  c.push_back(col("eval_split", ColType::kStr, 8));
  c.push_back(col("epochs_run", ColType::kI32));
  c.push_back(col("rung", ColType::kI32));
  c.push_back(col("wall_seconds", ColType::kF64));
  c.push_back(col("train_samples_per_s", ColType::kF64));
  c.push_back(col("sync_seconds", ColType::kF64));
  c.push_back(col("rank", ColType::kI32));
  c.push_back(col("threads", ColType::kI32));
  c.push_back(col("host", ColType::kStr, kHostLen));
  c.push_back(col("device", ColType::kStr, kShortLen));
  c.push_back(col("started_unix", ColType::kF64));
  c.push_back(col("finished_unix", ColType::kF64));
  return RowLayout(c);
}

}  // namespace

const RowLayout& trials_layout() {
  static const RowLayout l = build_trials();
  return l;
}

const RowLayout& epochs_layout() {
  static const RowLayout l({col("trial_id", ColType::kU64), col("epoch", ColType::kI32),
                            col("train_loss", ColType::kF64), col("train_acc", ColType::kF64),
                            col("val_loss", ColType::kF64), col("val_acc", ColType::kF64),
                            col("seconds", ColType::kF64), col("trial_row", ColType::kI64)});
  return l;
}

const RowLayout& confusion_layout() {
  static const RowLayout l({col("trial_id", ColType::kU64), col("split", ColType::kStr, 8),
                            col("true_label", ColType::kI32), col("pred_label", ColType::kI32),
                            col("count", ColType::kI64), col("trial_row", ColType::kI64)});
  return l;
}

const RowLayout& per_class_layout() {
  static const RowLayout l({col("trial_id", ColType::kU64), col("split", ColType::kStr, 8),
                            col("label", ColType::kI32), col("precision", ColType::kF64),
                            col("recall", ColType::kF64), col("f1", ColType::kF64),
                            col("support", ColType::kI64), col("trial_row", ColType::kI64)});
  return l;
}

}  // namespace sweep::results
