#include "results/store/store_activations.h"

#include "results/store/detail_rows.h"
#include "results/store/store_schema.h"

namespace sweep::results {

void add_activation_rows(const TrialResult& r, std::int64_t trial_row, std::vector<char>& rows,
                         std::size_t& count) {
  const RowLayout& l = activations_layout();
  rows.resize(rows.size() + l.row_size() * r.activations.size(), 0);
  for (const ActivationLayer& a : r.activations) {
    char* p = rows.data() + count++ * l.row_size();
    l.set_u64(p, 0, r.trial_id);
    l.set_str(p, 1, r.eval_split);
    l.set_str(p, 2, a.layer);
    l.set_i64(p, 3, a.units);
    l.set_f64(p, 4, a.dead_fraction);
    l.set_i64(p, 5, trial_row);
  }
}

ActivationLayer activation_layer_of_row(const RowLayout& l, const char* p) {
  ActivationLayer a;
  a.layer = l.get_text(p, 2);
  a.units = l.get_i64(p, 3);
  a.dead_fraction = l.get_f64(p, 4);
  return a;
}

void read_activation_rows(hid_t f, std::vector<StoredTrial>& out) {
  add_owned_rows(f, "activations", activations_layout(), out, [](const char* p, TrialResult& r) {
    r.activations.push_back(activation_layer_of_row(activations_layout(), p));
  });
}

}  // namespace sweep::results
