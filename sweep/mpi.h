// The only MPI code in the project: one RAII owner of MPI_Init/MPI_Finalize, checked calls,
// and waits that poll with short sleeps so that an idle rank costs almost no CPU (Open MPI's
// blocking calls spin at 100%).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "sweep/layout.h"
#include "sweep/protocol.h"

namespace sweep {

// Owns MPI for the life of the process. Construct once in main.
class MpiSession {
 public:
  // Calls MPI_Init. Throws MpiError when it fails.
  MpiSession(int* argc, char*** argv);
  // Calls MPI_Finalize (never throws).
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // This process's host name (MPI_Get_processor_name).
  std::string host() const;
  // Ends every rank of the job with `code` (MPI_Abort); for errors some ranks cannot see.
  [[noreturn]] void abort(int code) const;

 private:
  int rank_ = 0, size_ = 1;
};

// Throws MpiError("what: MPI error text") when `rc` is not MPI_SUCCESS.
void mpi_check(int rc, const char* what);

// Facts about this rank's node for the thread layout: cores as the union of the CPU masks
// of the job's ranks on the node (MPI_Comm_split_type), ranks per node, and whether world
// rank 0 is here. Collective over MPI_COMM_WORLD. Throws MpiError.
NodeFacts node_facts(const MpiSession& mpi);

struct Message {
  int source = 0;
  Tag tag = Tag::kReady;
  Bytes body;
};

// Sends `body` with `tag` to `dest` (blocking standard send). Throws MpiError.
void send_message(int dest, Tag tag, const Bytes& body);

// Waits for the next message from `source` (or any rank when source < 0), polling with
// MPI_Improbe and sleeps of up to 10 ms, and receives it. Throws MpiError.
Message wait_message(int source);

// As wait_message, but gives up and returns nullopt as soon as `give_up` (asked between
// polls, every 10 ms at most) returns true. Throws MpiError.
std::optional<Message> wait_message_or(int source, const std::function<bool()>& give_up);

// Receives a pending message with `tag` from `source` without waiting; returns whether there
// was one (its body is dropped). Throws MpiError.
bool take_message(int source, Tag tag);

// Barrier over MPI_COMM_WORLD that sleeps while waiting. Throws MpiError.
void polled_barrier();

// Broadcasts `value` from rank 0 to all ranks, sleeping while waiting. Throws MpiError.
int polled_broadcast(int value);

}  // namespace sweep
