// make_backbone PATH: writes the test backbone (backbone_file.h) for the integration tests,
// which need a TorchScript file and cannot count on Python's torch being installed.
#include <iostream>

#include "backbone_file.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_backbone PATH.pt\n";
    return 2;
  }
  sweep::test::write_backbone(argv[1]);
  return 0;
}
