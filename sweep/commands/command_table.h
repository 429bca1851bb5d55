// Every command of the program in one table, which main dispatches through. A command either
// needs no MPI (it runs as a plain process) or runs on every rank of an MPI job; the table
// says which.
#pragma once

#include <vector>

#include "sweep/cli/cli.h"
#include "sweep/mpi/session.h"
#include "sweep/mpi/signals.h"

namespace sweep {

// What a command that runs under MPI is given: the session, and the stop signals that main
// installs before MPI_Init.
struct MpiContext {
  const MpiSession& mpi;
  const StopSignals& signals;
};

// A command without MPI. Returns the exit code; exceptions reach main.
using PlainCommand = int (*)(const CliCommand& cmd);
// A command run on every rank of an MPI job. Returns the exit code; exceptions reach main.
using MpiCommand = int (*)(const CliCommand& cmd, const MpiContext& ctx);

struct CommandEntry {
  CliCommand::Kind kind;
  const char* name;               // as typed after `sweep` ("--help" and "--version" for those)
  PlainCommand plain = nullptr;   // set when the command needs no MPI
  MpiCommand with_mpi = nullptr;  // set when it runs under MPI
  bool needs_mpi() const { return with_mpi != nullptr; }
};

// The whole table: each CliCommand::Kind once, with exactly one of plain and with_mpi set.
const std::vector<CommandEntry>& command_table();

// The entry of `kind`. Throws std::logic_error when the table has none (a programming error,
// which a unit test rules out).
const CommandEntry& command_entry(CliCommand::Kind kind);

}  // namespace sweep
