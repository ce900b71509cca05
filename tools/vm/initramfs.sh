#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or find cached) every layer of the guest initramfs and print
# their paths, one per line, in the order they are concatenated:
#
#   base     busybox, real tools, libraries, /init    (image-base.sh)
#   modules  lumen.ko, its dependencies, extras       (image-modules.sh)
#   tests    the installed guest selftests            (image-tests.sh)
#
# Linux unpacks concatenated cpio archives as one initramfs, so each layer
# is rebuilt on its own, and each boot adds a small layer of its own (the
# command to run, --extra-dir) behind these.

set -euo pipefail

here=$(dirname "$0")

"$here/image-base.sh"
"$here/image-modules.sh"
"$here/image-tests.sh"
