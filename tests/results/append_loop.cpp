// Test helper for tests/integration/kill_store.sh: appends synthetic trials to a results file
// as fast as it can, printing "stored N" once trial N is flushed, so that a kill -9 at a
// random moment almost always lands inside an append. Every value is derived from the trial
// id, so a checker can tell a torn row from a whole one.
//   store_append_loop FILE LAST   appends trials (rows so far + 1) .. LAST, then exits
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "core/keys.h"
#include "results/store/store.h"

namespace {

sweep::TrialResult synthetic(std::uint64_t id) {
  sweep::TrialResult r;
  r.trial_id = id;
  r.status = sweep::Status::kOk;
  for (int e = 1; e <= 3; ++e) {
    sweep::EpochMetrics m;
    m.epoch = e;
    m.train_loss = static_cast<double>(id) + e / 10.0;
    r.epochs.push_back(m);
  }
  r.num_classes = 3;
  for (int c = 0; c < 9; ++c) r.confusion.push_back(static_cast<std::int64_t>(id) * 10 + c);
  r.eval_split = "test";
  r.test_acc = 1.0 / static_cast<double>(id);
  r.epochs_run = 3;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: store_append_loop FILE LAST\n";
    return 2;
  }
  const std::string path = argv[1];
  const std::uint64_t last = std::strtoull(argv[2], nullptr, 10);
  try {
    sweep::results::Store s = sweep::results::file_exists(path)
                                  ? sweep::results::Store::open_append(path)
                                  : sweep::results::Store::create(path, {});
    for (std::uint64_t id = s.stored_status().size() + 1; id <= last; ++id) {
      sweep::TrialSpec spec;
      spec.trial_id = id;
      for (const auto& k : sweep::known_keys()) spec.params.emplace_back(k.name, k.default_value);
      s.append(spec, synthetic(id));
      std::printf("stored %llu\n", static_cast<unsigned long long>(id));
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::cerr << "store_append_loop: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
