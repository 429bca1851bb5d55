#include "results/store/store_schema.h"

#include <algorithm>
#include <stdexcept>

#include "core/keys.h"
#include "core/result_columns.h"
#include "core/trial.h"

namespace sweep::results {
namespace {

Column col(const std::string& name, ColType t, std::size_t len = 0) { return {name, t, len, 0}; }

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

// The trials table's columns: the result columns (core/result_columns.h) with the grid keys'
// columns between those stored before them and the rest. With `text_refs` (format version 2)
// the texts that most trials share or leave empty are numbers into the texts table, else
// fixed-length strings (version 1).
RowLayout build_trials(bool text_refs) {
  // A text column: its number in the texts table, or `len` bytes in the row.
  auto text = [&](const std::string& name, std::size_t len) {
    return text_refs ? col(name, ColType::kText) : col(name, ColType::kStr, len);
  };
  auto result_col = [&](const ResultColumn& r) {
    switch (r.type) {
      case ResultType::kTrialId:
        return col(r.name, ColType::kU64);
      case ResultType::kStatus:
      case ResultType::kLabel:
        return col(r.name, ColType::kStr, r.width);
      case ResultType::kReal:
        return col(r.name, ColType::kF64);
      case ResultType::kInt:
        return col(r.name, ColType::kI32);
      case ResultType::kText:
        break;
    }
    return text(r.name, r.width);
  };
  std::vector<Column> c;
  for (const auto& r : kResultColumns) {
    if (r.before_keys) c.push_back(result_col(r));
  }
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
  for (const auto& r : kResultColumns) {
    if (!r.before_keys) c.push_back(result_col(r));
  }
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

const RowLayout& robustness_layout() {
  static const RowLayout l({col("trial_id", ColType::kU64), col("split", ColType::kStr, 8),
                            col("perturbation", ColType::kStr, 16), col("level", ColType::kF64),
                            col("accuracy", ColType::kF64), col("macro_f1", ColType::kF64),
                            col("trial_row", ColType::kI64)});
  return l;
}

const RowLayout& activations_layout() {
  static const RowLayout l({col("trial_id", ColType::kU64), col("split", ColType::kStr, 8),
                            col("layer", ColType::kStr, 48), col("units", ColType::kI64),
                            col("dead_fraction", ColType::kF64), col("trial_row", ColType::kI64)});
  return l;
}

const RowLayout& calibration_layout() {
  static const RowLayout l({col("trial_id", ColType::kU64), col("split", ColType::kStr, 8),
                            col("bin", ColType::kI32), col("rows", ColType::kI64),
                            col("mean_confidence", ColType::kF64), col("accuracy", ColType::kF64),
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
  auto put_results = [&](bool before_keys) {
    for (const ResultColumn& c : kResultColumns) {
      const int i = l.index_of(c.name);
      if (i < 0 || c.before_keys != before_keys) continue;
      switch (c.type) {
        case ResultType::kTrialId:
          l.set_u64(row, i, r.trial_id);
          break;
        case ResultType::kStatus:
          l.set_str(row, i, status_name(r.status));
          break;
        case ResultType::kReal:
          l.set_f64(row, i, r.*c.real);
          break;
        case ResultType::kInt:
          l.set_i64(row, i, r.*c.integer);
          break;
        case ResultType::kLabel:
          l.set_str(row, i, r.*c.text);
          break;
        case ResultType::kText:
          put_text(i, r.*c.text);
          break;
      }
    }
  };
  // In the columns' order: texts are numbered in the order they first appear.
  put_results(true);
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
  put_results(false);
}

TrialRowReader::TrialRowReader(const RowLayout& layout,
                               const std::function<bool(const std::string&)>& file_has)
    : layout_(&layout) {
  const RowLayout& l = layout;
  for (const auto& k : known_keys()) key_cols_.push_back(l.index_of(k.name));
  for (std::size_t i = 0; i < kResultColumnCount; ++i) {
    const ResultColumn& c = kResultColumns[i];
    int at = l.index_of(c.name);
    if (c.metric && !file_has(c.name)) at = kAbsentMetric;  // not 0: missing
    result_cols_[i] = at;
    if (c.type == ResultType::kTrialId) trial_id_ = at;
    if (c.type == ResultType::kStatus) status_ = at;
  }
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
  // A column the file lacks reads as zero or empty, as a converting read leaves it; a metric
  // it lacks as NaN.
  auto f = [&](int col) {
    return col == kAbsentMetric ? TrialResult::kNaN : col < 0 ? 0.0 : l.get_f64(row, col);
  };
  auto s = [&](int col) { return col < 0 ? std::string() : l.get_text(row, col); };
  std::string status;
  for (std::size_t i = 0; i < kResultColumnCount; ++i) {
    const ResultColumn& c = kResultColumns[i];
    const int col = result_cols_[i];
    switch (c.type) {
      case ResultType::kTrialId:
        r.trial_id = col < 0 ? 0 : l.get_u64(row, col);
        break;
      case ResultType::kStatus:
        status = s(col);
        try {
          r.status = status_from_name(status);
        } catch (const std::invalid_argument&) {
          r.status = Status::kFailed;
        }
        break;
      case ResultType::kReal:
        r.*c.real = f(col);
        break;
      case ResultType::kInt:
        r.*c.integer = static_cast<std::int32_t>(f(col));
        break;
      case ResultType::kLabel:
      case ResultType::kText:
        // Without `texts` only the labels a scan needs (eval_split) are read.
        if (texts || c.text == &TrialResult::eval_split) r.*c.text = s(col);
        break;
    }
  }
  return !status.empty();
}

}  // namespace sweep::results
