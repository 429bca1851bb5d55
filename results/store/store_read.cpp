// Reading a results file: its trials whole or block by block, chosen rows, stored statuses.
#include <algorithm>
#include <map>
#include <optional>

#include "core/class_metrics.h"
#include "core/keys.h"
#include "results/h5/attributes.h"
#include "results/store/detail_rows.h"
#include "results/store/store.h"
#include "results/store/store_activations.h"
#include "results/store/store_calibration.h"
#include "results/store/store_file.h"
#include "results/store/store_mistakes.h"
#include "results/store/store_robustness.h"
#include "results/store/store_schema.h"

namespace sweep::results {

std::vector<StoredTrial> Store::read_trials(Details details) const {
  const RowLayout tl = converting_trials_layout(file_->get());  // texts before the rows
  const TrialRowReader reader(tl, trials_column_test(file_->get()));
  const std::size_t n = row_count(file_->get(), "trials");
  std::vector<StoredTrial> out(n);
  std::vector<bool> unwritten(n, false);  // rows an interrupted append left without data
  // Details name their trial row; files of sweep 0.1.0 only name the trial id.
  std::map<std::uint64_t, std::size_t> by_id;
  // In blocks: the packed rows of a large file are never all in memory at once.
  for (std::size_t first = 0; first < n; first += kReadBlockRows) {
    std::size_t got = 0;
    const std::vector<char> rows =
        read_row_range(file_->get(), "trials", tl, first, kReadBlockRows, &got);
    for (std::size_t j = 0; j < got; ++j) {
      const std::size_t i = first + j;
      TrialResult& r = out[i].result;
      unwritten[i] = !reader.read(rows.data() + j * tl.row_size(), out[i]);
      if (details == Details::kAll) {
        r.confusion.assign(static_cast<std::size_t>(std::max(0, r.num_classes * r.num_classes)), 0);
        by_id[r.trial_id] = i;
      }
    }
  }
  auto written = [&] {
    std::vector<StoredTrial> kept;
    for (std::size_t i = 0; i < n; ++i) {
      if (!unwritten[i]) kept.push_back(std::move(out[i]));
    }
    return kept;
  };
  if (details == Details::kNone) return written();
  // The trial row that detail row `p` of `layout` belongs to, or n when it has none.
  auto owner = [&](const RowLayout& layout, const char* p, bool by_row) -> std::size_t {
    if (by_row) {
      const std::int64_t r = layout.get_i64(p, layout.index_of("trial_row"));
      return r >= 0 && static_cast<std::size_t>(r) < n &&
                     out[r].result.trial_id == layout.get_u64(p, 0)
                 ? static_cast<std::size_t>(r)
                 : n;
    }
    auto it = by_id.find(layout.get_u64(p, 0));
    return it == by_id.end() ? n : it->second;
  };
  const RowLayout& el = epochs_layout();
  const bool epochs_by_row = has_column(file_->get(), "epochs", "trial_row");
  std::size_t ne = 0;
  std::vector<char> erows = read_rows(file_->get(), "epochs", el, &ne);
  for (std::size_t i = 0; i < ne; ++i) {
    const char* p = erows.data() + i * el.row_size();
    const std::size_t owner_row = owner(el, p, epochs_by_row);
    if (owner_row == n) continue;  // details of a trial whose row was never written
    out[owner_row].result.epochs.push_back(epoch_of_row(el, p));
  }
  const RowLayout& cl = confusion_layout();
  const bool confusion_by_row = has_column(file_->get(), "confusion", "trial_row");
  std::size_t nc = 0;
  std::vector<char> crows = read_rows(file_->get(), "confusion", cl, &nc);
  for (std::size_t i = 0; i < nc; ++i) {
    const char* p = crows.data() + i * cl.row_size();
    const std::size_t owner_row = owner(cl, p, confusion_by_row);
    if (owner_row == n) continue;
    set_confusion_cell(cl, p, out[owner_row].result);
  }
  read_mistake_rows(file_->get(), out);
  read_robustness_rows(file_->get(), out);
  read_activation_rows(file_->get(), out);
  read_calibration_rows(file_->get(), out);
  return written();
}

const char* Store::TrialBlock::row(std::size_t j) const { return rows + j * layout->row_size(); }

void Store::scan_trials(const std::function<void(const TrialBlock&)>& visit) const {
  // The texts are read before the rows: every row read then finds its texts.
  std::optional<RowLayout> native = native_layout(file_->get(), "trials");
  if (native && file_->text_refs) native->bind_texts(read_texts(file_->get()));
  const RowLayout layout = native ? *native : converting_trials_layout(file_->get());
  const TrialRowReader reader(layout, trials_column_test(file_->get()));
  const std::size_t n = row_count(file_->get(), "trials");
  std::vector<char> rows;  // one block, reused
  for (std::size_t first = 0; first < n; first += kReadBlockRows) {
    std::size_t got = 0;
    if (native) {
      read_native_row_range(file_->get(), "trials", layout, first, kReadBlockRows, rows, &got);
    } else {
      rows = read_row_range(file_->get(), "trials", layout, first, kReadBlockRows, &got);
    }
    if (got == 0) break;
    visit(TrialBlock{&layout, &reader, rows.data(), got, first, n});
  }
}

std::vector<StoredTrial> Store::read_trial_rows(const std::vector<std::size_t>& rows) const {
  std::vector<std::size_t> sorted = rows;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  const RowLayout tl = converting_trials_layout(file_->get());
  const TrialRowReader reader(tl, trials_column_test(file_->get()));
  const std::size_t n = row_count(file_->get(), "trials");
  std::vector<StoredTrial> got_rows(sorted.size());  // by position in `sorted`
  // In runs: one read for the wanted rows within a block of kReadBlockRows from the first.
  for (std::size_t i = 0; i < sorted.size() && sorted[i] < n;) {
    const std::size_t first = sorted[i];
    std::size_t last = i;
    while (last + 1 < sorted.size() && sorted[last + 1] < first + kReadBlockRows) ++last;
    std::size_t got = 0;
    const std::vector<char> block =
        read_row_range(file_->get(), "trials", tl, first, sorted[last] - first + 1, &got);
    for (; i <= last && sorted[i] - first < got; ++i) {
      StoredTrial t;
      if (reader.read(block.data() + (sorted[i] - first) * tl.row_size(), t)) {
        got_rows[i] = std::move(t);
      }
    }
    i = last + 1;
  }
  std::vector<StoredTrial> out;
  out.reserve(rows.size());
  auto position = [&](std::size_t r) {
    return static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), r) -
                                    sorted.begin());
  };
  std::vector<std::size_t> uses(sorted.size(), 0);
  for (std::size_t r : rows) ++uses[position(r)];
  for (std::size_t r : rows) {
    const std::size_t at = position(r);
    // A row's last use (its only one, usually) takes it; earlier ones copy it.
    out.push_back(--uses[at] == 0 ? std::move(got_rows[at]) : got_rows[at]);
  }
  return out;
}

bool Store::details_by_row() const {
  for (const char* table :
       {"epochs", "confusion", "mistakes", "robustness", "activations", "calibration"}) {
    if (has_table(file_->get(), table) && !has_column(file_->get(), table, "trial_row")) {
      return false;
    }
  }
  return true;
}

void Store::read_whole_rows(const std::vector<std::size_t>& rows, std::size_t batch,
                            const std::function<void(std::vector<StoredTrial>&)>& visit) const {
  const hid_t f = file_->get();
  if (!details_by_row()) {
    throw StoreError(path_ + ": its details name no trial rows (a file of sweep 0.1)");
  }
  DetailCursor epochs(f, "epochs", epochs_layout());
  DetailCursor confusion(f, "confusion", confusion_layout());
  DetailCursor mistakes(f, "mistakes", mistakes_layout());
  DetailCursor robustness(f, "robustness", robustness_layout());
  DetailCursor activations(f, "activations", activations_layout());
  DetailCursor calibration(f, "calibration", calibration_layout());
  std::vector<std::size_t> slice;
  for (std::size_t first = 0; first < rows.size(); first += std::max<std::size_t>(1, batch)) {
    slice.assign(rows.begin() + static_cast<std::ptrdiff_t>(first),
                 rows.begin() + static_cast<std::ptrdiff_t>(std::min(
                                    rows.size(), first + std::max<std::size_t>(1, batch))));
    std::vector<StoredTrial> got = read_trial_rows(slice);
    for (std::size_t i = 0; i < got.size(); ++i) {
      TrialResult& r = got[i].result;
      if (r.trial_id == 0) continue;  // past the end, or left unwritten
      r.confusion.assign(static_cast<std::size_t>(std::max(0, r.num_classes * r.num_classes)), 0);
      epochs.rows_of(slice[i], r.trial_id,
                     [&](const char* p) { r.epochs.push_back(epoch_of_row(epochs_layout(), p)); });
      confusion.rows_of(slice[i], r.trial_id,
                        [&](const char* p) { set_confusion_cell(confusion_layout(), p, r); });
      mistakes.rows_of(slice[i], r.trial_id, [&](const char* p) {
        r.mistakes.push_back(mistake_of_row(mistakes_layout(), p));
      });
      robustness.rows_of(slice[i], r.trial_id, [&](const char* p) {
        r.robustness.push_back(robustness_point_of_row(robustness_layout(), p));
      });
      activations.rows_of(slice[i], r.trial_id, [&](const char* p) {
        r.activations.push_back(activation_layer_of_row(activations_layout(), p));
      });
      calibration.rows_of(slice[i], r.trial_id, [&](const char* p) {
        r.calibration.push_back(calibration_bin_of_row(calibration_layout(), p));
      });
    }
    visit(got);
  }
}

std::vector<std::pair<std::uint64_t, Status>> Store::stored_status() const {
  std::vector<std::pair<std::uint64_t, Status>> rows;
  rows.reserve(row_count(file_->get(), "trials"));
  scan_trials([&](const TrialBlock& b) {
    const RowLayout& l = *b.layout;
    const int id_col = l.index_of("trial_id"), status_col = l.index_of("status");
    if (id_col < 0 || status_col < 0) throw StoreError(path_ + ": the trials table has no ids");
    for (std::size_t j = 0; j < b.count; ++j) {
      const std::string name = l.get_text(b.row(j), status_col);
      if (name.empty()) continue;  // left unwritten by an interrupted append
      Status s = Status::kFailed;
      try {
        s = status_from_name(name);
      } catch (const std::invalid_argument&) {
      }
      rows.emplace_back(l.get_u64(b.row(j), id_col), s);
    }
  });
  // By id, the preferred status first: the first row of each id is its best.
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first
                              : status_preference(a.second) < status_preference(b.second);
  });
  rows.erase(std::unique(rows.begin(), rows.end(),
                         [](const auto& a, const auto& b) { return a.first == b.first; }),
             rows.end());
  return rows;
}

}  // namespace sweep::results
