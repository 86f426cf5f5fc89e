import io
import logging

from leap_contracts.delivery import logs


def test_access_lines_keep_the_path_and_drop_the_query_string():
    logs.configure(stream=io.StringIO())
    logs.configure(stream=io.StringIO())  # configuring twice adds one filter, not two
    access = logging.getLogger("uvicorn.access")
    record = access.makeRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:1", "GET", "/signin/callback?assertion=secret&next=/", "1.1", 303), None)
    assert all(f.filter(record) for f in access.filters) and len(access.filters) == 1
    assert record.getMessage() == '127.0.0.1:1 - "GET /signin/callback HTTP/1.1" 303'
