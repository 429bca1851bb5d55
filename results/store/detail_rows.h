// The detail tables of a results file (epochs, confusion, mistakes), row by row: what one row
// holds, and a forward reader that hands out the rows of one trial row at a time without
// reading the table whole.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/trial.h"
#include "results/h5/table.h"
#include "results/store/store.h"

namespace sweep::results {

// The epoch in row `p` of the epochs table (epochs_layout()).
EpochMetrics epoch_of_row(const RowLayout& l, const char* p);

// Sets the confusion cell of row `p` of the confusion table (confusion_layout()) in `r`, whose
// confusion matrix is sized num_classes^2; a cell outside the matrix is ignored.
void set_confusion_cell(const RowLayout& l, const char* p, TrialResult& r);

// The mistake in row `p` of the mistakes table (mistakes_layout()).
Mistake mistake_of_row(const RowLayout& l, const char* p);

// Reads detail table `table` of `f` (rows of `layout`, with columns trial_id and trial_row)
// whole and calls `add` with each row and the result of the trial of `out` (index = trial row)
// that it names; rows of an append a kill cut short (another id, or no such row) are passed
// over. A file without the table gives none. Throws StoreError on a read failure.
void add_owned_rows(hid_t f, const std::string& table, const RowLayout& layout,
                    std::vector<StoredTrial>& out,
                    const std::function<void(const char* row, TrialResult& owner)>& add);

// Reads detail table `table` (rows of `layout`, with columns trial_id and trial_row) forward in
// blocks. The rows of each trial row are adjacent and in ascending trial row order, as a
// results file's writer appends them; `rows_of` finds them with trial rows asked in ascending
// order. Memory: one block. Not copyable.
class DetailCursor {
 public:
  // A cursor at the start of `table` of the open file `file` (a table the file lacks has no
  // rows). Throws StoreError.
  DetailCursor(hid_t file, std::string table, const RowLayout& layout);
  DetailCursor(const DetailCursor&) = delete;
  DetailCursor& operator=(const DetailCursor&) = delete;
  // Calls `visit` with each row of trial row `trial_row` whose trial_id is `id` (rows a kill
  // left for another id are passed over), skipping the rows of earlier trial rows. Throws
  // std::invalid_argument when `trial_row` is below one asked before, StoreError when the
  // table's trial rows go down (rows not in a writer's order) or on a read failure.
  void rows_of(std::size_t trial_row, std::uint64_t id,
               const std::function<void(const char*)>& visit);

 private:
  hid_t file_;
  std::string table_;
  const RowLayout& layout_;
  int id_col_ = -1, row_col_ = -1;
  std::size_t total_ = 0, next_ = 0;  // rows in the table; first row not yet read
  std::vector<char> block_;
  std::size_t count_ = 0, at_ = 0;  // rows in block_; the next one to look at
  std::int64_t last_ = -1;          // the highest trial row seen, and asked
  std::int64_t asked_ = -1;
};

}  // namespace sweep::results
