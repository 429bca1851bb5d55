// model = noop: a trial that trains nothing, for measuring the engine around the training (the
// coordinator's dispatch and storage, scheduling, scaling). It sleeps `sleep_ms` per epoch and
// returns metrics that depend only on the trial id: a full result (per-epoch rows, a 10-class
// confusion matrix), as a real trial of a 10-class data set stores it.
#pragma once

#include "core/trial.h"
#include "worker/data/data_source.h"  // is_noop
#include "worker/worker.h"

namespace sweep::worker {

// Fills `r` (status ok, epochs of `span`, metrics, confusion) for the noop trial `spec`,
// sleeping sleep_ms per epoch; status abandoned when `stop` returns true (checked every 10 ms
// of sleep and before each epoch); status pruned when `hook` (optional) answers an epoch
// before the last with a reason. Resumes from and writes span.state as a trained trial does
// (a noop's state is its epoch and the milliseconds slept into the next: its rows are a function
// of the trial; `writes` false: a group member's, which reads the state but leaves writing it to
// the leader), no checkpoint. Throws
// std::out_of_range when `spec` lacks the keys epochs or sleep_ms, DataError when a span that
// continues (from_epoch > 0) finds an unusable state.
void run_noop(const TrialSpec& spec, const StopCheck& stop, const TrainSpan& span, TrialResult& r,
              const EpochHook& hook = nullptr, bool writes = true);

}  // namespace sweep::worker
