// The ranks that train one trial together (ranks_per_trial > 1), as the worker sees them: a
// seam, so that worker/ has no MPI. sweep/mpi/group_comm implements it with MPI.
//
// Every member calls these in the same order with the same sizes: a member whose own part
// failed still takes part (with any data) until the next agreement point says so, so that no
// member ever waits in a collective that another will not enter.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace sweep::worker {

class TrialGroup {
 public:
  // A sum started by start_sum, running while the caller goes on.
  class PendingSum {
   public:
    virtual ~PendingSum() = default;
    // Waits until the sum is complete in the buffer given to start_sum.
    virtual void wait() = 0;
  };

  virtual ~TrialGroup() = default;
  // This member's number, 0 to size() - 1; member 0 leads (writes files, reports the result).
  virtual int rank() const = 0;
  virtual int size() const = 0;

  // Sums the `n` doubles at `data` over the members, in place on every member.
  virtual void sum(double* data, std::size_t n) = 0;
  // Starts summing the `n` floats at `data` over the members, in place; the buffer must stay
  // untouched until wait() returns.
  virtual std::unique_ptr<PendingSum> start_sum(float* data, std::size_t n) = 0;
  // Lets started sums move on (MPI progresses them only inside its calls); cheap.
  virtual void progress() = 0;
  // Each member says how its part went: "" when well, else why it failed. Returns, on every
  // member, "" when all went well, else the message of the lowest-numbered failing member.
  virtual std::string agree(const std::string& failure) = 0;
};

}  // namespace sweep::worker
