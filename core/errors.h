// Typed exceptions thrown at the boundaries of the sweep libraries and caught in main.
#pragma once

#include <stdexcept>
#include <string>

namespace sweep {

// The user's grid file, command line or override is wrong. Exit code 2, nothing written.
class GridError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Command-line usage is wrong (unknown option, missing argument). Exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A data set cannot be read or is malformed. Before a sweep starts this is the user's
// mistake (exit code 2); inside a trial it makes that trial fail.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The HDF5 results file cannot be created, read or appended.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An existing file is not a sweep results file (or not one this version can use): the
// user's mistake, exit code 2.
class StoreFormatError : public StoreError {
 public:
  using StoreError::StoreError;
};

// A results file named on the command line does not exist: the user's mistake, exit code 2.
class StoreMissingError : public StoreError {
 public:
  using StoreError::StoreError;
};

// Another process is writing the results file (it holds the writer lock): the user's
// mistake, exit code 2.
class StoreLockedError : public StoreError {
 public:
  using StoreError::StoreError;
};

// An MPI call returned an error.
class MpiError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Process exit codes, documented in the README.
enum ExitCode : int {
  kExitOk = 0,
  kExitInternal = 1,  // I/O, MPI or other unexpected failure
  kExitBadInput = 2,  // grid, command line or data set rejected; nothing written
  // `sweep run` ended (not stopped), but some trials of the sweep are stored as failed (in this
  // run or an earlier one it did not retry); sweep run --allow-failed makes it 0.
  kExitSomeFailed = 3,
  // Stopped by SIGINT, SIGTERM or SIGUSR1: every finished trial is stored, the same command
  // resumes (75 is EX_TEMPFAIL of sysexits.h: "try again later"; job scripts requeue on it).
  kExitInterrupted = 75,
};

// The exit code for an exception that reached the top: kExitBadInput for the user's mistakes
// (GridError, UsageError, DataError, StoreFormatError, StoreLockedError), kExitInternal for
// anything else.
int exit_code_of(const std::exception& e);

}  // namespace sweep
