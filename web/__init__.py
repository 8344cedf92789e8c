"""The reviewer workspace and partner pages (issue 7): Django templates with htmx.

Views here are thin, like the API: parse the request, call one service or selector, render.
Reads the pages need and no other app offers live in `web.selectors` (reads only).
"""
