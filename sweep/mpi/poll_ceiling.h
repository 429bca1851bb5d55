// How long rank 0 may sleep between two polls for results (pure logic). A worker whose trial
// ended waits until rank 0 notices its result; keeping that wait near 1% of a trial keeps
// workers busy when trials are short, and keeps rank 0 asleep when they are long.
#pragma once

namespace sweep {

class PollCeiling {
 public:
  static constexpr int kMinUs = 50;
  static constexpr int kMaxUs = 50000;
  static constexpr int kFirstUs = 10000;  // before any job has finished

  // Takes the wall time of a finished job into the running estimate of a typical job
  // (an exponentially weighted mean; the first job sets it).
  void observe(double job_seconds);
  // A hundredth of the typical job's wall time in microseconds, within [kMinUs, kMaxUs];
  // kFirstUs before any job has finished.
  int ceiling_us() const;

 private:
  double typical_seconds_ = -1;
};

}  // namespace sweep
