// The commands of the `sweep` program that need LibTorch or MPI (the others:
// sweep/offline/offline_commands.h). Each returns the process exit code (see errors.h) and
// prints its own messages; exceptions they do not handle reach main.
#pragma once

#include "sweep/cli/cli.h"
#include "sweep/mpi/session.h"
#include "sweep/mpi/signals.h"
#include "sweep/offline/offline_commands.h"  // rank, export, report, merge, status, help

namespace sweep {

// `sweep run`: on rank 0 plans the sweep and opens or creates the results file (bad input:
// message, exit code 2, nothing written), then every rank takes its part: coordinator,
// worker, or both when alone. Rank 0 prints one line per finished trial and the ranked table.
// `signals` (installed before MPI_Init on every rank) stop it gracefully on rank 0; workers
// ignore them. Throws MpiError, StoreError on I/O failures after the start.
int run_command(const CliCommand& cmd, const MpiSession& mpi, const StopSignals& signals);

// `sweep plan`: prints the plan of a grid and what its results file already holds.
int plan_command(const CliCommand& cmd);

// `sweep prepare`: rank 0 lists the photographs and their labels, shares ranges of them out to
// the other ranks (or prepares them itself when alone) and writes the image cache in image
// order, then prints the report (splits, labels, skipped inputs, identical images across
// splits). Bad input: message, exit code 2, nothing written. Throws MpiError, StoreError.
int prepare_command(const CliCommand& cmd, const MpiSession& mpi);

// `sweep predict`: evaluates a checkpoint (--model, or the best kept one of --from FILE.h5) on
// --data, prints accuracy, F1 and the confusion matrix when the data has labels, and writes
// the predictions to -o as CSV. Bad input (missing or foreign files, a shape mismatch): exit
// code 2, nothing written.
int predict_command(const CliCommand& cmd);

}  // namespace sweep
