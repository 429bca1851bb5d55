// The sweep loops: rank 0 hands out trials dynamically and stores results; workers train
// what they are given; with one rank, rank 0 trains the trials itself through the same code.
#pragma once

#include <functional>
#include <vector>

#include "sweep/trial.h"
#include "worker/worker.h"

namespace sweep {

// Called on rank 0 for every finished trial, before that worker gets more work; it must make
// the result durable (append and flush) before returning.
using ResultSink = std::function<void(const TrialSpec&, const TrialResult&)>;

// Rank 0 with `workers` worker ranks: answers each ready or result message with the next
// trial of `order` (indices into `trials`) or with stop, until every worker has stopped.
// Waits sleep-polling. Throws MpiError, or whatever `sink` throws.
void coordinate(const std::vector<TrialSpec>& trials, const std::vector<std::size_t>& order,
                int workers, const ResultSink& sink);

// A worker rank: asks rank 0 for work, trains each trial it gets, sends the result back,
// until told to stop. Throws MpiError.
void serve_as_worker(worker::DataCache& cache, const worker::WorkerContext& ctx);

// One rank alone: trains the trials of `order` in turn and passes each result to `sink`.
void run_locally(const std::vector<TrialSpec>& trials, const std::vector<std::size_t>& order,
                 worker::DataCache& cache, const worker::WorkerContext& ctx,
                 const ResultSink& sink);

}  // namespace sweep
