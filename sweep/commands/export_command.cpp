// `sweep export`: the trials of results files as CSV or JSON.
#include <iostream>

#include "core/errors.h"
#include "results/export.h"
#include "sweep/commands/commands.h"
#include "sweep/commands/stored_trials.h"
#include "sweep/commands/whole_file.h"

namespace sweep {

int export_command(const CliCommand& cmd) {
  const results::ExportFormat format = results::parse_export_format(cmd.format);
  const std::string text =
      results::export_trials(read_all(cmd.files, cmd.curves ? results::Store::Details::kAll
                                                            : results::Store::Details::kNone),
                             format, cmd.curves);
  if (cmd.out.empty() || cmd.out == "-") {
    std::cout << text;
    return kExitOk;
  }
  write_whole_file(cmd.out, text);
  std::cerr << "exported " << cmd.files.size() << " file(s) to " << cmd.out << "\n";
  return kExitOk;
}

}  // namespace sweep
