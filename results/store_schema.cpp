#include "results/store_schema.h"

#include <algorithm>
#include <stdexcept>

#include "core/keys.h"
#include "core/trial.h"

namespace sweep::results {
namespace {

Column col(const std::string& name, ColType t, std::size_t len = 0) { return {name, t, len, 0}; }

// Bytes a status needs: "ok", "failed" or "diverged" (files before 0.2 used 32).
constexpr std::size_t kStatusLen = 16;

}  // namespace

std::size_t choice_width(const KeySpec& k) {
  std::size_t longest = 1;
  for (const auto& c : k.choices) longest = std::max(longest, c.size());
  for (const auto& a : k.aliases) {  // "alias=canonical": either side may be stored
    const auto eq = a.find('=');
    longest = std::max({longest, a.substr(0, eq).size(),
                        eq == std::string::npos ? std::size_t{0} : a.size() - eq - 1});
  }
  return (longest + 7) / 8 * 8;
}

namespace {

// The trials table's columns; with `text_refs` (format version 2) the texts that most trials
// share or leave empty are numbers into the texts table, else fixed-length strings (version 1).
RowLayout build_trials(bool text_refs) {
  // A text column: its number in the texts table, or `len` bytes in the row.
  auto text = [&](const std::string& name, std::size_t len) {
    return text_refs ? col(name, ColType::kText) : col(name, ColType::kStr, len);
  };
  std::vector<Column> c = {col("trial_id", ColType::kU64), col("status", ColType::kStr, kStatusLen),
                           text("message", kMessageLen)};
  for (const auto& k : known_keys()) {
    if (!k.column) continue;
    switch (k.type) {
      case KeyType::kInt:
        c.push_back(col(k.name, ColType::kI64));
        break;
      case KeyType::kFloat:
        c.push_back(col(k.name, ColType::kF64));
        break;
      case KeyType::kChoice:  // only its choices: as wide as the longest
        c.push_back(col(k.name, ColType::kStr, choice_width(k)));
        break;
      case KeyType::kString:
        c.push_back(text(k.name, kPathLen));
        break;
      case KeyType::kFloatList:
        c.push_back(text(k.name, kListLen));
        break;
    }
  }
  for (const char* m : {"val_loss", "val_acc", "test_loss", "test_acc", "macro_f1", "auc", "qwk"}) {
    c.push_back(col(m, ColType::kF64));
  }
  c.push_back(col("best_epoch", ColType::kI32));
  c.push_back(text("checkpoint", kPathLen));
  c.push_back(col("num_classes", ColType::kI32));
  c.push_back(col("eval_split", ColType::kStr, 8));
  c.push_back(col("epochs_run", ColType::kI32));
  c.push_back(col("rung", ColType::kI32));
  c.push_back(col("wall_seconds", ColType::kF64));
  c.push_back(col("train_samples_per_s", ColType::kF64));
  c.push_back(col("sync_seconds", ColType::kF64));
  c.push_back(col("rank", ColType::kI32));
  c.push_back(col("threads", ColType::kI32));
  c.push_back(text("host", kHostLen));
  c.push_back(col("device", ColType::kStr, kShortLen));
  c.push_back(col("memory_format", ColType::kStr, kShortLen));
  c.push_back(col("started_unix", ColType::kF64));
  c.push_back(col("finished_unix", ColType::kF64));
  return RowLayout(c);
}

}  // namespace

const RowLayout& trials_layout() {
  static const RowLayout l = build_trials(true);
  return l;
}

const RowLayout& legacy_trials_layout() {
  static const RowLayout l = build_trials(false);
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

const RowLayout& mistakes_layout() {
  static const RowLayout l({col("trial_id", ColType::kU64), col("split", ColType::kStr, 8),
                            col("row", ColType::kI64), col("true_label", ColType::kI32),
                            col("pred_label", ColType::kI32), col("probability", ColType::kF64),
                            col("trial_row", ColType::kI64)});
  return l;
}

void fill_trial_row(const RowLayout& l, char* row, const TrialSpec& spec, const TrialResult& r,
                    TextInterner* texts) {
  // A text column: a number into the texts table, or the text itself.
  auto put_text = [&](int c, const std::string& v) {
    if (l.columns()[static_cast<std::size_t>(c)].type != ColType::kText) {
      l.set_str(row, c, v);
    } else if (texts != nullptr) {
      l.set_text_ref(row, c, texts->ref(v));
    } else {
      throw std::logic_error("fill_trial_row: text column " + l.columns()[c].name +
                             " without a table of texts");
    }
  };
  l.set_u64(row, l.index_of("trial_id"), r.trial_id);
  l.set_str(row, l.index_of("status"), status_name(r.status));
  put_text(l.index_of("message"), r.message);
  for (const auto& [key, value] : spec.params) {
    int c = l.index_of(key);
    const KeySpec* k = find_key(key);
    if (c < 0 || k == nullptr || !k->column) continue;
    if (k->type == KeyType::kInt) {
      l.set_i64(row, c, std::stoll(value));
    } else if (k->type == KeyType::kFloat) {
      l.set_f64(row, c, std::stod(value));
    } else {
      put_text(c, value);
    }
  }
  const std::pair<const char*, double> metrics[] = {{"val_loss", r.val_loss},
                                                    {"val_acc", r.val_acc},
                                                    {"test_loss", r.test_loss},
                                                    {"test_acc", r.test_acc},
                                                    {"macro_f1", r.macro_f1},
                                                    {"auc", r.auc},
                                                    {"qwk", r.qwk},
                                                    {"wall_seconds", r.wall_seconds},
                                                    {"train_samples_per_s", r.train_samples_per_s},
                                                    {"sync_seconds", r.sync_seconds},
                                                    {"started_unix", r.started_unix},
                                                    {"finished_unix", r.finished_unix}};
  for (const auto& [name, v] : metrics) l.set_f64(row, l.index_of(name), v);
  l.set_i64(row, l.index_of("num_classes"), r.num_classes);
  l.set_str(row, l.index_of("eval_split"), r.eval_split);
  l.set_i64(row, l.index_of("epochs_run"), r.epochs_run);
  l.set_i64(row, l.index_of("rung"), r.rung);
  l.set_i64(row, l.index_of("best_epoch"), r.best_epoch);
  put_text(l.index_of("checkpoint"), r.checkpoint);
  l.set_i64(row, l.index_of("rank"), r.rank);
  l.set_i64(row, l.index_of("threads"), r.threads);
  put_text(l.index_of("host"), r.host);
  l.set_str(row, l.index_of("device"), r.device);
  l.set_str(row, l.index_of("memory_format"), r.memory_format);
}

TrialRowReader::TrialRowReader(const RowLayout& layout, bool has_metrics_v2)
    : layout_(&layout), has_metrics_v2_(has_metrics_v2) {
  const RowLayout& l = layout;
  trial_id_ = l.index_of("trial_id");
  for (const auto& k : known_keys()) key_cols_.push_back(l.index_of(k.name));
  status_ = l.index_of("status");
  message_ = l.index_of("message");
  val_loss_ = l.index_of("val_loss");
  val_acc_ = l.index_of("val_acc");
  test_loss_ = l.index_of("test_loss");
  test_acc_ = l.index_of("test_acc");
  macro_f1_ = l.index_of("macro_f1");
  auc_ = l.index_of("auc");
  qwk_ = l.index_of("qwk");
  best_epoch_ = l.index_of("best_epoch");
  checkpoint_ = l.index_of("checkpoint");
  num_classes_ = l.index_of("num_classes");
  eval_split_ = l.index_of("eval_split");
  epochs_run_ = l.index_of("epochs_run");
  rung_ = l.index_of("rung");
  wall_seconds_ = l.index_of("wall_seconds");
  train_samples_per_s_ = l.index_of("train_samples_per_s");
  sync_seconds_ = l.index_of("sync_seconds");
  rank_ = l.index_of("rank");
  threads_ = l.index_of("threads");
  host_ = l.index_of("host");
  device_ = l.index_of("device");
  memory_format_ = l.index_of("memory_format");
  started_unix_ = l.index_of("started_unix");
  finished_unix_ = l.index_of("finished_unix");
}

bool TrialRowReader::read(const char* row, StoredTrial& t) const {
  const bool written = read_result(row, t.result);
  const RowLayout& l = *layout_;
  t.params.reserve(key_cols_.size());
  for (std::size_t k = 0; k < key_cols_.size(); ++k) {
    // A key that is not a column (e.g. mistakes) has no stored value: "".
    t.params.emplace_back(known_keys()[k].name,
                          key_cols_[k] < 0 ? std::string() : l.get_text(row, key_cols_[k]));
  }
  return written;
}

std::string TrialRowReader::param(const char* row, std::size_t k) const {
  return key_cols_[k] < 0 ? std::string() : layout_->get_text(row, key_cols_[k]);
}

bool TrialRowReader::read_result(const char* row, TrialResult& r, bool texts) const {
  const RowLayout& l = *layout_;
  // A column the file lacks reads as zero or empty, as a converting read leaves it.
  auto f = [&](int col) { return col < 0 ? 0.0 : l.get_f64(row, col); };
  auto s = [&](int col) { return col < 0 ? std::string() : l.get_text(row, col); };
  r.trial_id = trial_id_ < 0 ? 0 : l.get_u64(row, trial_id_);
  const std::string status = s(status_);
  try {
    r.status = status_from_name(status);
  } catch (const std::invalid_argument&) {
    r.status = Status::kFailed;
  }
  if (texts) r.message = s(message_);
  r.val_loss = f(val_loss_);
  r.val_acc = f(val_acc_);
  r.test_loss = f(test_loss_);
  r.test_acc = f(test_acc_);
  r.macro_f1 = f(macro_f1_);
  r.auc = has_metrics_v2_ ? f(auc_) : TrialResult::kNaN;
  r.qwk = has_metrics_v2_ ? f(qwk_) : TrialResult::kNaN;
  r.best_epoch = static_cast<std::int32_t>(f(best_epoch_));
  if (texts) r.checkpoint = s(checkpoint_);
  r.num_classes = static_cast<std::int32_t>(f(num_classes_));
  r.eval_split = s(eval_split_);
  r.epochs_run = static_cast<std::int32_t>(f(epochs_run_));
  r.rung = static_cast<std::int32_t>(f(rung_));
  r.wall_seconds = f(wall_seconds_);
  r.train_samples_per_s = f(train_samples_per_s_);
  r.sync_seconds = f(sync_seconds_);  // 0 in files of earlier versions
  r.rank = static_cast<std::int32_t>(f(rank_));
  r.threads = static_cast<std::int32_t>(f(threads_));
  if (texts) r.host = s(host_);
  if (texts) r.device = s(device_);
  if (texts) r.memory_format = s(memory_format_);  // "" in files of earlier versions
  r.started_unix = f(started_unix_);
  r.finished_unix = f(finished_unix_);
  return !status.empty();
}

}  // namespace sweep::results
