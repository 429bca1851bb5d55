// The sweep loops: rank 0 hands out trials dynamically and stores results; workers train
// what they are given; with one rank, rank 0 trains the trials itself through the same code.
// A stop signal on rank 0 ends a loop early (see sweep/mpi/signals.h).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/trial.h"
#include "sweep/mpi/group_comm.h"
#include "sweep/mpi/protocol.h"
#include "sweep/mpi/session.h"
#include "sweep/mpi/signals.h"
#include "sweep/search/work_source.h"
#include "worker/worker.h"

namespace sweep {

// A job that ended with a result to store (the result's rung is the job's).
struct FinishedJob {
  Job job;
  TrialResult result;
};

// Called on rank 0 with the jobs that finished since its last call (the results that arrived
// together: one while trials are long, several when they are short and many workers answer
// at once), before those workers get more work; it must make every result durable (append
// and flush) before returning. Abandoned jobs never reach it.
using ResultSink = std::function<void(const std::vector<FinishedJob>&)>;

// Called on rank 0 often while a loop waits or trains (at least before every batch rank 0
// trains itself), with the number of trials running; for the progress display. May be empty.
using Ticker = std::function<void(std::size_t running)>;

// What rank 0 does with the epochs that running trials report (each epoch but the last; not
// for trials trained by a group of ranks). Either may be empty.
struct EpochReports {
  // Every report, for the progress display: the job and the epoch it just finished.
  std::function<void(const Job&, const EpochMetrics&)> seen;
  // Asked for jobs whose await_verdict is set, with the epochs the trial reported so far (the
  // one just finished last): "" lets it go on, else why it stops there (it is stored as
  // pruned). The worker waits for the answer.
  std::function<std::string(const Job&, const std::vector<EpochMetrics>&)> judge;
};

// How rank 0 reacts to stop signals.
struct StopControl {
  const StopSignals* signals = nullptr;          // nullptr: never stops early
  double grace_seconds = 60;                     // how long running trials may go on after a stop
  std::function<void(const std::string&)> note;  // tells the user what happens (may be empty)
};

// How a loop ended.
struct SweepOutcome {
  int signal = 0;             // the stop signal that ended it early, 0 when it ran to the end
  std::size_t abandoned = 0;  // trials cut short by the stop (not stored; they run on resume)
  std::string broken;         // why a trial group broke ("": none did); its ranks cannot finish
  bool stopped() const { return signal != 0; }
};

// Rank 0 with `workers` worker ranks: answers each ready or result message with the next job
// of `work`, or with stop once `work` is exhausted; a worker for which no job is ready yet
// (successive halving waits for results) waits until one is. After a stop signal it hands out
// nothing more, waits for running jobs until the grace time is over or a second signal comes,
// then tells the workers still busy to abandon theirs. Waits sleep-polling. Throws MpiError
// (also when a worker does not answer an abandon request within 60 s), std::logic_error when
// `work` has no job while none runs and it is not exhausted, or whatever `sink` throws.
// `wait` says how rank 0 spins; its sleeps grow to a hundredth of a typical job's time
// (sweep/mpi/poll_ceiling.h: 50 us to 50 ms), so that short trials are not slowed by rank 0's
// sleeps and long ones cost it almost no CPU.
// Epoch reports are passed to `epochs` and, for jobs that await one, answered with its verdict.
// A trial group that reports itself broken (Tag::kGroupBroken) has its running trial stored as
// failed and gets nothing more; the outcome says why (its ranks cannot finish: end the job).
SweepOutcome coordinate(WorkSource& work, int workers, const ResultSink& sink,
                        const StopControl& stop, const Ticker& tick = nullptr,
                        const WaitPolicy& wait = {}, const EpochReports& epochs = {});

// A worker rank: asks rank 0 for work, trains each trial it gets, sends the result back,
// until told to stop; abandons the running trial when rank 0 says so; reports each epoch but
// the last of a trial it trains alone (and for a job that awaits a verdict, waits for it and
// ends the trial as pruned when it says so). Signals are rank 0's
// business: the caller installs StopSignals on every rank so that mpirun's and Slurm's
// signals do not kill a worker, and workers ignore them otherwise.
// `wait` says how it spins while it waits for jobs; its sleeps grow as rank 0's do.
// With `group` (ranks_per_trial > 1; ctx.group is it) this rank leads a trial group: it passes
// each job, and the final stop, on to the other members and trains with them; it alone talks
// to rank 0. When the group breaks (worker::GroupBroken: a member did not come in time) it
// tells rank 0 and waits, never returning, for rank 0 to end the job. Throws MpiError.
void serve_as_worker(worker::DataCache& cache, const worker::WorkerContext& ctx,
                     const WaitPolicy& wait = {}, GroupComm* group = nullptr);

// A member of a trial group other than its leader: trains each job the leader passes on,
// together with the group (ctx.group), until the leader says stop; a broken group is told to
// rank 0 as serve_as_worker does (never returning). Throws MpiError.
void serve_as_member(worker::DataCache& cache, const worker::WorkerContext& ctx, GroupComm& group,
                     const WaitPolicy& wait = {});

// One rank alone: trains the jobs of `work` in turn and passes each result to `sink`,
// stopping as `coordinate` does and passing epochs to `epochs` as it does.
SweepOutcome run_locally(WorkSource& work, worker::DataCache& cache,
                         const worker::WorkerContext& ctx, const ResultSink& sink,
                         const StopControl& stop, const Ticker& tick = nullptr,
                         const EpochReports& epochs = {});

}  // namespace sweep
