# The vpce-checks image. Its install step is the README's install from a clone (a test keeps the
# two equal); docs/ci.md shows how to build and run it.
FROM python:3.12-slim
WORKDIR /src
COPY . .
RUN python -m pip install --no-cache-dir .
WORKDIR /work
ENTRYPOINT ["vpce-checks"]
