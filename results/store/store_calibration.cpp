#include "results/store/store_calibration.h"

#include "results/store/detail_rows.h"
#include "results/store/store_schema.h"

namespace sweep::results {

void add_calibration_rows(const TrialResult& r, std::int64_t trial_row, std::vector<char>& rows,
                          std::size_t& count) {
  const RowLayout& l = calibration_layout();
  rows.resize(rows.size() + l.row_size() * r.calibration.size(), 0);
  for (const CalibrationBin& b : r.calibration) {
    char* p = rows.data() + count++ * l.row_size();
    l.set_u64(p, 0, r.trial_id);
    l.set_str(p, 1, r.eval_split);
    l.set_i64(p, 2, b.bin);
    l.set_i64(p, 3, b.rows);
    l.set_f64(p, 4, b.mean_confidence);
    l.set_f64(p, 5, b.accuracy);
    l.set_i64(p, 6, trial_row);
  }
}

CalibrationBin calibration_bin_of_row(const RowLayout& l, const char* p) {
  CalibrationBin b;
  b.bin = static_cast<std::int32_t>(l.get_i64(p, 2));
  b.rows = l.get_i64(p, 3);
  b.mean_confidence = l.get_f64(p, 4);
  b.accuracy = l.get_f64(p, 5);
  return b;
}

void read_calibration_rows(hid_t f, std::vector<StoredTrial>& out) {
  add_owned_rows(f, "calibration", calibration_layout(), out, [](const char* p, TrialResult& r) {
    r.calibration.push_back(calibration_bin_of_row(calibration_layout(), p));
  });
}

}  // namespace sweep::results
