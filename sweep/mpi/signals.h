// Stop requests by signal. SIGINT (Ctrl-C), SIGTERM (scancel, bkill, mpirun passing one on)
// and SIGUSR1 (Slurm's `--signal` warning before a time limit, forwarded by mpirun) ask a sweep
// to stop: hand out no more trials, let running ones finish within the grace time, flush,
// exit with kExitInterrupted. A second SIGINT (Ctrl-C twice) abandons the running trials at
// once; repeated SIGTERMs do not, because schedulers and mpirun send them more than once.
#pragma once

#include <chrono>

namespace sweep {

// `sweep` hands a command over to `sweep-torch` with SIGINT, SIGTERM and SIGUSR1 blocked (so
// that one coming while LibTorch loads is kept pending, not fatal); this unblocks them in the
// calling thread: a pending one is delivered at once.
void unblock_stop_signals();

// Installs counting handlers for SIGINT, SIGTERM and SIGUSR1 for its lifetime (then unblocks
// them: see unblock_stop_signals) and restores the previous ones in its destructor. The count is
// the one piece of process-wide state in the program, because a signal handler can reach nothing
// else. One instance at a time.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // How many stop signals arrived since construction, and how many of them were SIGINT.
  int count() const;
  int interrupts() const;
  // The number of the last one (e.g. SIGTERM), 0 before any.
  int last() const;
};

// The name of signal `sig`, e.g. "SIGTERM".
const char* signal_name(int sig);

// What a stop request means for the trials running when it comes: none are abandoned until
// `grace` has passed since the first request or a second SIGINT arrives.
class StopState {
 public:
  using Clock = std::chrono::steady_clock;
  explicit StopState(double grace_seconds) : grace_(grace_seconds) {}

  // Takes the signal counts now; returns true when they changed since the last call.
  bool update(int signal_count, int interrupt_count, Clock::time_point now = Clock::now());
  // A stop was requested: hand out no more work.
  bool stopping() const { return requests_ > 0; }
  // Running trials must be abandoned now (a second SIGINT, or the grace time is over).
  bool abandon(Clock::time_point now = Clock::now()) const;
  double grace_seconds() const { return grace_; }

 private:
  double grace_;
  int requests_ = 0, interrupts_ = 0;
  Clock::time_point first_{};
};

}  // namespace sweep
