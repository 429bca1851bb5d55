#include "results/store/detail_rows.h"

#include <stdexcept>

namespace sweep::results {
namespace {

constexpr std::size_t kBlockRows = 4096;

}  // namespace

void add_owned_rows(hid_t f, const std::string& table, const RowLayout& layout,
                    std::vector<StoredTrial>& out,
                    const std::function<void(const char* row, TrialResult& owner)>& add) {
  if (!has_table(f, table)) return;
  const int id_col = layout.index_of("trial_id"), row_col = layout.index_of("trial_row");
  std::size_t n = 0;
  const std::vector<char> rows = read_rows(f, table, layout, &n);
  for (std::size_t i = 0; i < n; ++i) {
    const char* p = rows.data() + i * layout.row_size();
    const std::int64_t owner = layout.get_i64(p, row_col);
    if (owner < 0 || static_cast<std::size_t>(owner) >= out.size()) continue;
    TrialResult& r = out[static_cast<std::size_t>(owner)].result;
    if (r.trial_id != layout.get_u64(p, id_col)) continue;  // rows of an append a kill cut short
    add(p, r);
  }
}

EpochMetrics epoch_of_row(const RowLayout& l, const char* p) {
  EpochMetrics m;
  m.epoch = static_cast<int>(l.get_i64(p, 1));
  m.train_loss = l.get_f64(p, 2);
  m.train_acc = l.get_f64(p, 3);
  m.val_loss = l.get_f64(p, 4);
  m.val_acc = l.get_f64(p, 5);
  m.seconds = l.get_f64(p, 6);
  return m;
}

void set_confusion_cell(const RowLayout& l, const char* p, TrialResult& r) {
  const std::int64_t t = l.get_i64(p, 2), pr = l.get_i64(p, 3), k = r.num_classes;
  if (t >= 0 && pr >= 0 && t < k && pr < k &&
      static_cast<std::size_t>(k * k) == r.confusion.size()) {
    r.confusion[static_cast<std::size_t>(t * k + pr)] = l.get_i64(p, 4);
  }
}

Mistake mistake_of_row(const RowLayout& l, const char* p) {
  Mistake m;
  m.row = l.get_i64(p, 2);
  m.true_label = static_cast<std::int32_t>(l.get_i64(p, 3));
  m.predicted = static_cast<std::int32_t>(l.get_i64(p, 4));
  m.probability = l.get_f64(p, 5);
  return m;
}

DetailCursor::DetailCursor(hid_t file, std::string table, const RowLayout& layout)
    : file_(file), table_(std::move(table)), layout_(layout) {
  id_col_ = layout_.index_of("trial_id");
  row_col_ = layout_.index_of("trial_row");
  if (id_col_ < 0 || row_col_ < 0) {
    throw std::invalid_argument("DetailCursor: the layout of " + table_ + " names no trial rows");
  }
  total_ = has_table(file_, table_) ? row_count(file_, table_) : 0;
}

void DetailCursor::rows_of(std::size_t trial_row, std::uint64_t id,
                           const std::function<void(const char*)>& visit) {
  const auto wanted = static_cast<std::int64_t>(trial_row);
  if (wanted < asked_) {
    throw std::invalid_argument("DetailCursor: trial rows of " + table_ + " asked out of order");
  }
  asked_ = wanted;
  for (;;) {
    if (at_ == count_) {
      if (next_ >= total_) return;
      block_ = read_row_range(file_, table_, layout_, next_, kBlockRows, &count_);
      next_ += count_;
      at_ = 0;
      if (count_ == 0) return;
    }
    const char* p = block_.data() + at_ * layout_.row_size();
    const std::int64_t r = layout_.get_i64(p, row_col_);
    if (r < last_) {
      throw StoreError("table " + table_ + ": its rows are not in trial row order (row " +
                       std::to_string(next_ - count_ + at_) + ")");
    }
    last_ = r;
    if (r > wanted) return;
    if (r == wanted && layout_.get_u64(p, id_col_) == id) visit(p);
    ++at_;
  }
}

}  // namespace sweep::results
