# The rasad service image: the package and its command line, nothing else.
FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY rasad rasad
COPY nlp nlp
COPY index index
COPY crawler crawler
COPY samples samples
RUN pip install --no-cache-dir .
ENV RASAD_STORE=sqlite:////data/rasad.db
VOLUME ["/data"]
ENTRYPOINT ["rasad"]
CMD ["--help"]
