// The commands that read results files and train nothing: rank, export, report, merge,
// status, and --help and --version. They never load LibTorch or start MPI: the `sweep` binary runs
// them itself and hands every other command to `sweep-torch` (torch_binary.h). Each returns the
// process exit code (see core/errors.h) and prints its own messages; exceptions they do not
// handle reach main.
#pragma once

#include "sweep/cli/cli.h"

namespace sweep {

// `sweep --help`: prints the usage text.
int help_command(const CliCommand& cmd);

// `sweep --version`: prints "sweep VERSION".
int version_command(const CliCommand& cmd);

// `sweep rank`: prints the ranked table of one or more results files.
int rank_command(const CliCommand& cmd);

// `sweep merge`: writes the distinct trials of the input files to a new file and reports
// duplicates (conflicting ones on stderr).
int merge_command(const CliCommand& cmd);

// `sweep export`: writes the trials of the files as CSV or JSON to -o PATH (replaced only once
// complete) or stdout. Bad options or inputs: exit code 2, nothing written.
int export_command(const CliCommand& cmd);

// `sweep report`: writes the HTML report of the files to -o PATH (replaced only once
// complete). Bad options or inputs: exit code 2, nothing written.
int report_command(const CliCommand& cmd);

// `sweep status`: prints how many trials of a grid the results files hold (the grid's data
// headers read, not its images).
int status_command(const CliCommand& cmd);

// The offline command of `kind`, or nullptr when `kind` needs the training side
// (run, plan, prepare, predict).
using OfflineCommand = int (*)(const CliCommand& cmd);
OfflineCommand offline_command(CliCommand::Kind kind);

}  // namespace sweep
