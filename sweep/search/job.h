// The unit of work a work source hands out and a worker runs: a trial and the part of its
// training to do. Plain data; sweep/mpi/protocol.h encodes it for the wire.
#pragma once

#include <string>

#include "core/trial.h"

namespace sweep {

// One piece of work for a worker: a trial, and which part of its training to do (all of it by
// default; successive halving trains a trial in steps, rung by rung, through saved states).
struct Job {
  TrialSpec spec;
  int rung = 0;                // the rung whose budget to_epoch is (0 for a whole trial)
  int from_epoch = 0;          // > 0: continue from `state`, saved at this epoch or later
  int to_epoch = 0;            // 0: the trial's epochs
  std::string state;           // the trial's state file ("" = none; worker::TrainSpan)
  bool keep_state = false;     // the state at to_epoch is kept (a rung another continues);
                               // else it is deleted once the job's result is stored
  std::string checkpoint_to;   // write the best epoch's checkpoint here ("" = none)
  bool await_verdict = false;  // after each epoch the worker waits for rank 0's verdict
                               // (a stopping rule may end the trial there, pruned)
};

}  // namespace sweep
