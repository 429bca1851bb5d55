#include "results/store/store_recovery.h"

#include <cstdint>
#include <map>
#include <vector>

#include "results/h5/table.h"
#include "results/store/store_schema.h"

namespace sweep::results {

namespace {

constexpr std::size_t kBlock = 4096;  // rows read at a time, from the end

// The trial ids of the rows of `trials`, 0 for a row that an append cut short left unwritten
// (real rows always have a status), read in blocks on demand: a recovery looks at the last
// rows only, so a file of a million trials is not read whole.
class TrialIds {
 public:
  explicit TrialIds(hid_t f) : f_(f), rows_(row_count(f, "trials")) {}
  std::size_t rows() const { return rows_; }
  std::uint64_t at(std::size_t r) {
    const std::size_t b = r / kBlock;
    auto it = blocks_.find(b);
    if (it == blocks_.end()) {
      const RowLayout cols(
          {{"trial_id", ColType::kU64, 0, 0}, {"status", ColType::kStr, kShortLen, 0}});
      std::size_t n = 0;
      const std::vector<char> rows = read_row_range(f_, "trials", cols, b * kBlock, kBlock, &n);
      std::vector<std::uint64_t> ids(n);
      for (std::size_t i = 0; i < n; ++i) {
        const char* row = rows.data() + i * cols.row_size();
        ids[i] = cols.get_text(row, 1).empty() ? 0 : cols.get_u64(row, 0);
      }
      it = blocks_.emplace(b, std::move(ids)).first;
    }
    return it->second[r % kBlock];
  }

 private:
  hid_t f_;
  std::size_t rows_;
  std::map<std::size_t, std::vector<std::uint64_t>> blocks_;
};

// The rows of detail table `table` to keep: up to its last row that names a kept trial row
// (`kept` of them) with the same id; read from the end in blocks.
std::size_t detail_rows_to_keep(hid_t f, const char* table, TrialIds& ids, std::size_t kept) {
  const RowLayout cols({{"trial_id", ColType::kU64, 0, 0}, {"trial_row", ColType::kI64, 0, 0}});
  std::size_t keep = row_count(f, table);
  while (keep > 0) {
    const std::size_t first = keep > kBlock ? keep - kBlock : 0;
    std::size_t n = 0;
    const std::vector<char> rows = read_row_range(f, table, cols, first, keep - first, &n);
    for (std::size_t i = n; i > 0; --i) {
      const char* row = rows.data() + (i - 1) * cols.row_size();
      const std::int64_t r = cols.get_i64(row, 1);
      const std::uint64_t owner =
          r >= 0 && static_cast<std::size_t>(r) < kept ? ids.at(static_cast<std::size_t>(r)) : 0;
      if (owner != 0 && owner == cols.get_u64(row, 0)) {
        return first + i;
      }
    }
    keep = first;
  }
  return 0;
}

}  // namespace

std::size_t drop_unfinished_appends(hid_t f) {
  TrialIds ids(f);
  std::size_t kept = ids.rows();
  while (kept > 0 && ids.at(kept - 1) == 0) --kept;
  truncate_rows(f, "trials", kept);
  for (const char* table : {"epochs", "confusion", "per_class", "mistakes", "robustness",
                            "activations", "calibration"}) {
    if (!has_table(f, table) || !has_column(f, table, "trial_row")) continue;  // older files
    truncate_rows(f, table, detail_rows_to_keep(f, table, ids, kept));
  }
  return kept;
}

}  // namespace sweep::results
