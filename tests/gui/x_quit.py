#!/usr/bin/env python3
"""Asks an X window to quit the way a person does, and prints when it was
asked (milliseconds since the epoch), so the interpreter's own start-up is
not counted in the time the application takes to close.

  x_quit.py close WINDOW   the window manager's close button: a WM_PROTOCOLS
                           client message carrying WM_DELETE_WINDOW
  x_quit.py ctrlq          Ctrl+Q through the XTEST extension (to the window
                           with the keyboard focus, as xdotool key does)

DISPLAY from the environment; needs only libX11 (and libXtst for ctrlq)."""
import ctypes
import sys
import time

x = ctypes.cdll.LoadLibrary("libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XOpenDisplay.argtypes = [ctypes.c_char_p]
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
x.XStringToKeysym.restype = ctypes.c_ulong
x.XStringToKeysym.argtypes = [ctypes.c_char_p]
x.XKeysymToKeycode.restype = ctypes.c_ubyte
x.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
x.XFlush.argtypes = [ctypes.c_void_p]
x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
x.XCloseDisplay.argtypes = [ctypes.c_void_p]


class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("l", ctypes.c_long * 5)]


class XEvent(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]


d = x.XOpenDisplay(None)
if not d:
    sys.exit("x_quit: cannot open the display")
if len(sys.argv) == 3 and sys.argv[1] == "close":
    win = int(sys.argv[2], 0)
    ev = XEvent()
    ev.xclient.type = 33  # ClientMessage
    ev.xclient.window = win
    ev.xclient.message_type = x.XInternAtom(d, b"WM_PROTOCOLS", 0)
    ev.xclient.format = 32
    ev.xclient.l[0] = x.XInternAtom(d, b"WM_DELETE_WINDOW", 0)
    ev.xclient.l[1] = 0  # CurrentTime
    x.XSendEvent(d, win, 0, 0, ctypes.byref(ev))
    x.XFlush(d)
elif len(sys.argv) == 2 and sys.argv[1] == "ctrlq":
    xt = ctypes.cdll.LoadLibrary("libXtst.so.6")
    xt.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
    ctrl = x.XKeysymToKeycode(d, x.XStringToKeysym(b"Control_L"))
    q = x.XKeysymToKeycode(d, x.XStringToKeysym(b"q"))
    xt.XTestFakeKeyEvent(d, ctrl, 1, 0)
    x.XSync(d, 0)
    xt.XTestFakeKeyEvent(d, q, 1, 0)
    x.XFlush(d)
    sent = time.time()
    xt.XTestFakeKeyEvent(d, q, 0, 0)
    xt.XTestFakeKeyEvent(d, ctrl, 0, 0)
    x.XSync(d, 0)
    print(int(sent * 1000))
    x.XCloseDisplay(d)
    sys.exit(0)
else:
    sys.exit("usage: x_quit.py close WINDOW | x_quit.py ctrlq")
print(int(time.time() * 1000))
x.XCloseDisplay(d)
