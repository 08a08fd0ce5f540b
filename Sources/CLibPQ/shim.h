#ifndef EMPORIUM_CLIBPQ_SHIM_H
#define EMPORIUM_CLIBPQ_SHIM_H
#include <libpq-fe.h>
/* The socket poller waits on every connection's socket with epoll (Linux). */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
