/* The real file system behind struct conf_fs. */
#pragma once

#include "conf/lexer.h"

extern const struct conf_fs conf_fs_posix;
