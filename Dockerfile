# The rasad service image: the package, its command line, the API and the web page.
# Stage 1 fetches the page's assets (chart library, Persian font) from the npm registry at
# the versions web/package-lock.json pins; stage 2 is the Python service.
FROM node:20-slim AS web
WORKDIR /src
COPY web web
COPY scripts/build-web scripts/build-web
RUN mkdir -p api/static && scripts/build-web

FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY rasad rasad
COPY nlp nlp
COPY index index
COPY crawler crawler
COPY api api
COPY --from=web /src/api/static/vendor api/static/vendor
RUN pip install --no-cache-dir .
ENV RASAD_STORE=sqlite:////data/rasad.db \
    RASAD_SPOOL=/data/spool
VOLUME ["/data"]
EXPOSE 8000
ENTRYPOINT ["rasad"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
